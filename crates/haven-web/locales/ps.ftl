### Haven's patient handouts in Pashto (پښتو).
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date. Pashto as written in Afghanistan, with the Gregorian month
### names used there; phone numbers and dates in European digits.

-review-status = draft
-script = Arab

## Every handout

handout-name = نوم: { $name }
handout-draft-mark = لومړنۍ ژباړه — مهرباني وکړئ له ژباړونکي سره یې وګورئ
handout-no-translation = تر اوسه په { $language } ژبه ژباړه نشته. له یوه ژباړونکي وغواړئ چې دا له ناروغ سره یوځای ولولي.

## Dates

date-long = { $weekday }، { $day } { $month } { $year }
weekday-1 = دوشنبه
weekday-2 = سه شنبه
weekday-3 = چهارشنبه
weekday-4 = پنجشنبه
weekday-5 = جمعه
weekday-6 = شنبه
weekday-7 = یکشنبه
month-1 = جنوري
month-2 = فبروري
month-3 = مارچ
month-4 = اپرېل
month-5 = مۍ
month-6 = جون
month-7 = جولای
month-8 = اګست
month-9 = سپټمبر
month-10 = اکتوبر
month-11 = نومبر
month-12 = دسمبر

## Wellbeing advice (§3)

wellbeing-title = د خپلې روغتیا او ارامۍ ساتنه
wellbeing-intro = ډېر هغه کسان چې خپل کور پرېښودو ته اړ شوي، ستړیا، اندېښنه یا خپګان احساسوي. دا د سختو تجربو په وړاندې عام غبرګونونه دي. هغه کوچني ګامونه چې هره ورځ یې اخلئ، مرسته کولی شي.
wellbeing-sleep-heading = خوب
wellbeing-sleep = هڅه وکړئ چې هره ورځ نږدې په یو وخت ویده شئ او راپاڅېږئ. د ماښام له خوا چای، قهوه او د ټلیفون یا تلویزیون کتل کم کړئ. که خوب مو نه راځي، یو څه وخت پاڅېږئ، یو ارام کار وکړئ او بیا هڅه وکړئ.
wellbeing-eating-heading = ښه خوراک
wellbeing-eating = هڅه وکړئ چې په منظمو وختونو خواړه وخورئ، کله چې کولی شئ مېوې او سبزي وخورئ، او ډېرې اوبه وڅښئ. له نورو سره یوځای ډوډۍ خوړل هم مرسته کوي.
wellbeing-outdoors-heading = بهر وتل او فعال اوسېدل
wellbeing-outdoors = هره ورځ یو څه وخت د ورځې په رڼا کې بهر تېر کړئ. ګرځېدل، ورزش یا هر هغه حرکت چې خوښ مو وي، ستاسو بدن او روحیې ته ګټور دی.
wellbeing-social-heading = له خلکو سره اوسېدل
wellbeing-social = له هغو کسانو سره اړیکه وساتئ چې باور پرې لرئ: ملګري، کورنۍ، یا یوه ټولنیزه یا دیني ډله. د کډوالو د ملاتړ یوه سیمه‌ییزه موسسه کولی شي له خلکو سره په پېژندګلوۍ کې مرسته وکړي. که د داسې موسسې په موندلو کې مرسته غواړئ، موږ ته ووایاست.
wellbeing-closing = کېدای شي دې ګامونو ته وخت پکار وي چې اغېز وکړي. موږ ته ووایاست چې څنګه احساس کوئ. هر وخت چې وغواړئ، بیا له خپل ډاکټر یا نرس سره خبرې کولی شئ.

## "I need an interpreter" card (§2)

card-title = ژباړونکي ته اړتیا لرم
card-language = زما ژبه: { $language }
card-dialect = زما لهجه: { $dialect }
card-gender-female = که امکان ولري، ښځینه ژباړونکې غوره ګڼم.
card-gender-male = که امکان ولري، نارینه ژباړونکی غوره ګڼم.
card-request = مهرباني وکړئ کله چې ډاکټر، نرس یا بل روغتیايي کارکوونکي ته ورځم، ماته یو مسلکي ژباړونکی ونیسئ. د NHS په خدمتونو کې د ژبې ملاتړ زما حق دی.

## Next-appointment letter (§1, §2)

appointment-title = ستاسو راتلونکې ملاقات
appointment-when = تاسو په { $date } په کلینیک کې ملاقات لرئ.
appointment-interpreter-booked = موږ ستاسو لپاره د { $language } ژبې یو ژباړونکی نیولی دی.
appointment-interpreter-ask = که ژباړونکي ته اړتیا لرئ، د ملاقات له ورځې مخکې موږ ته ووایاست چې یو درته ونیسو.
appointment-cannot-come = که نشئ راتلای، مهرباني وکړئ ژر تر ژره موږ ته خبر راکړئ چې بل وخت درکړو. د یوه ملاقات نه راتلل پدې معنا نه دي چې په کلینیک کې خپل ځای له لاسه ورکوئ.
appointment-private = کلینیک د کډوالۍ د سیستم برخه نه ده. هغه څه چې موږ ته یې وایاست، ستاسو په روغتیايي ریکارډ کې پاتې کېږي.

## Safety plan (§6)

plan-title = د خوندیتوب پلان
plan-warning-signs = د خبرتیا نښې چې کېدای شي یو بحران پیل شي
plan-coping-strategies = هغه کارونه چې له ځان سره د مرستې لپاره یې کولی شم
plan-people-and-places = هغه خلک او ځایونه چې مرسته کوي
plan-professionals-and-crisis = متخصصین او د بحران د اړیکو شمېرې
plan-safer-surroundings = خپل چاپېریال خوندي کول
plan-reasons-for-living = د ژوند لپاره زما دلیلونه
plan-crisis-heading = که همدا اوس په بحران کې یاست
plan-crisis-text =
    که د خپل ژوند د پای ته رسولو یا ځان ته د زیان رسولو فکر کوئ، مهرباني وکړئ همدا اوس چا ته ووایاست. اړ نه یاست چې یوازې ورسره مخ شئ.
    Samaritans: 116 123 ته زنګ ووهئ، وړیا، د شپې او ورځې په هر وخت کې.
    NHS 111: 111 ته زنګ ووهئ او د رواني روغتیا د بېړنۍ مرستې لپاره 2 غوره کړئ.
    په بېړني حالت کې، یا که همدا اوس په خطر کې یاست، 999 ته زنګ ووهئ یا د روغتون بېړنۍ څانګې (A&E) ته لاړ شئ.
    همدارنګه کولی شئ له همدې کلینیک سره اړیکه ونیسئ او وغواړئ چې نن له یوه ډاکټر یا نرس سره خبرې وکړئ.
