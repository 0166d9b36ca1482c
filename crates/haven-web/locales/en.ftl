### Haven's patient handouts in English: the source text every translation follows.
### Haven's own words, from the clinical guidance leaflet's sections on interpreters (§2),
### general advice about mental health (§3) and prognosis and risk (§6).
###
### Every file in this folder has exactly these messages, each with the same variables (a
### test and the loader check it). -review-status is "reviewed" only when a qualified
### translator has reviewed the file, named with the date in -reviewed-by; a handout printed
### from a "draft" file carries the mark "draft translation — check with an interpreter".

-review-status = reviewed
-reviewed-by = Haven's clinical content, the source text of every translation
-script = Latn

## Every handout

handout-name = Name: { $name }
handout-draft-mark = Draft translation — check with an interpreter
handout-no-translation = There is no translation in { $language } yet. Ask an interpreter to read this with the patient.

## Dates, for the appointment letter

date-long = { $weekday } { $day } { $month } { $year }
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Wellbeing advice (§3): sleep, eating, being outdoors and active, social contact

wellbeing-title = Looking after your wellbeing
wellbeing-intro = Many people who have had to leave their home feel tired, worried or low. These are common reactions to hard experiences. Small steps, taken every day, can help.
wellbeing-sleep-heading = Sleep
wellbeing-sleep = Try to go to bed and get up at about the same time every day. Have less tea, coffee and screen time in the evening. If you cannot sleep, get up for a while, do something quiet, and try again later.
wellbeing-eating-heading = Eating well
wellbeing-eating = Try to eat regular meals, with fruit and vegetables when you can, and drink plenty of water. Sharing a meal with other people can help too.
wellbeing-outdoors-heading = Being outdoors and active
wellbeing-outdoors = Spend some time outside in daylight every day. Walking, sport or any movement you enjoy is good for your body and your mood.
wellbeing-social-heading = Being with other people
wellbeing-social = Keep in touch with people you trust: friends, family, a community or faith group. A local refugee support organisation can help you meet people. Ask us if you would like help to find one.
wellbeing-closing = These steps can take time to help. Tell us how you are feeling. You can talk to your doctor or nurse again at any time.

## "I need an interpreter" card (§2)

card-title = I need an interpreter
card-language = My language: { $language }
card-dialect = My dialect: { $dialect }
card-gender-female = I would like a female interpreter, if possible.
card-gender-male = I would like a male interpreter, if possible.
card-request = Please book a professional interpreter for me when I see a doctor, nurse or other health worker. Language support in NHS care is my right.

## Next-appointment letter (§1, §2): administrative facts only

appointment-title = Your next appointment
appointment-when = You have an appointment at the practice on { $date }.
appointment-interpreter-booked = We have booked an interpreter in { $language } for you.
appointment-interpreter-ask = If you need an interpreter, tell us before the day and we will book one.
appointment-cannot-come = If you cannot come, please tell us as soon as you can and we will give you another appointment. Missing an appointment does not mean you lose your place at the practice.
appointment-private = The practice is not part of the immigration system. What you tell us stays in your health record.

## Safety plan (§6): the headings of the plan and the crisis box

plan-title = Safety plan
plan-warning-signs = Warning signs that a crisis may be starting
plan-coping-strategies = Things I can do to help myself
plan-people-and-places = People and places that help
plan-professionals-and-crisis = Professionals and crisis contacts
plan-safer-surroundings = Making my surroundings safer
plan-reasons-for-living = My reasons for living
plan-crisis-heading = If you are in crisis now
plan-crisis-text =
    If you are thinking about ending your life or harming yourself, please tell someone now. You do not have to cope with this alone.
    Samaritans: call 116 123, free, at any time of day or night.
    NHS 111: call 111 and choose option 2 for urgent mental health help.
    In an emergency, or if you are in danger now, call 999 or go to A&E.
    You can also contact this practice and ask to speak to a clinician today.
