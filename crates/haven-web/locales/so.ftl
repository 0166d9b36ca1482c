### Haven's patient handouts in Somali (Soomaali).
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date.

-review-status = draft
-script = Latn

## Every handout

handout-name = Magaca: { $name }
handout-draft-mark = Turjumaad qabyo ah — la hubi turjubaan
handout-no-translation = Weli ma jirto turjumaad { $language } ah. Ka codso turjubaan inuu tan la akhriyo bukaanka.

## Dates

date-long = { $weekday }, { $day } { $month } { $year }
weekday-1 = Isniin
weekday-2 = Talaado
weekday-3 = Arbaco
weekday-4 = Khamiis
weekday-5 = Jimco
weekday-6 = Sabti
weekday-7 = Axad
month-1 = Janaayo
month-2 = Febraayo
month-3 = Maarso
month-4 = Abriil
month-5 = Maajo
month-6 = Juun
month-7 = Luuliyo
month-8 = Agoosto
month-9 = Sebtembar
month-10 = Oktoobar
month-11 = Nofembar
month-12 = Desembar

## Wellbeing advice (§3)

wellbeing-title = Ilaalinta caafimaadkaaga iyo ladnaantaada
wellbeing-intro = Dad badan oo ku qasbanaaday inay ka tagaan gurigooda waxay dareemaan daal, walwal ama murugo. Kuwani waa falcelinno caadi ah oo loo yeesho waayo-aragnimo adag. Tallaabooyin yaryar oo aad qaaddo maalin kasta ayaa ku caawin kara.
wellbeing-sleep-heading = Hurdada
wellbeing-sleep = Isku day inaad seexato oo aad toosto qiyaastii isla waqtiga maalin kasta. Fiidkii yaree shaaha, kafeega iyo shaashadaha. Haddii aadan seexan karin, kac in yar, samee wax deggan, kadibna mar kale isku day.
wellbeing-eating-heading = Cunto wanaagsan
wellbeing-eating = Isku day inaad cunto waqtiyo joogto ah, cun khudaar iyo miro markaad awoodid, oo cab biyo badan. Inaad cuntada la wadaagto dad kale ayaa sidoo kale ku caawin karta.
wellbeing-outdoors-heading = Banaanka u bixidda iyo firfircoonida
wellbeing-outdoors = Maalin kasta waqti ku qaado banaanka iftiinka maalinta. Socodka, ciyaaraha ama dhaqdhaqaaq kasta oo aad ku raaxaysato ayaa u fiican jirkaaga iyo niyaddaada.
wellbeing-social-heading = La joogista dadka kale
wellbeing-social = La xiriir dadka aad aaminsan tahay: saaxiibbada, qoyska, ama koox bulsho ama diimeed. Urur maxalli ah oo taageera qaxootiga ayaa kaa caawin kara inaad dad la kulanto. Na weydii haddii aad rabto caawimaad aad ku hesho mid.
wellbeing-closing = Tallaabooyinkani waxay qaadan karaan waqti si ay u caawiyaan. Noo sheeg sida aad dareemayso. Waxaad mar kale la hadli kartaa dhakhtarkaaga ama kalkaaliyahaaga waqti kasta.

## "I need an interpreter" card (§2)

card-title = Waxaan u baahanahay turjubaan
card-language = Luqaddayda: { $language }
card-dialect = Lahjaddayda: { $dialect }
card-gender-female = Haddii ay suurtagal tahay, waxaan doorbidayaa turjubaan dumar ah.
card-gender-male = Haddii ay suurtagal tahay, waxaan doorbidayaa turjubaan rag ah.
card-request = Fadlan ii ballan turjubaan xirfad leh markaan arko dhakhtar, kalkaaliye ama shaqaale caafimaad oo kale. Taageerada luqadda ee daryeelka NHS waa xaqayga.

## Next-appointment letter (§1, §2)

appointment-title = Ballantaada xigta
appointment-when = Waxaad ballan ku leedahay xarunta caafimaadka { $date }.
appointment-interpreter-booked = Waxaan kuu ballansannay turjubaan { $language } ah.
appointment-interpreter-ask = Haddii aad u baahan tahay turjubaan, noo sheeg maalinta ka hor, waxaanan kuu ballansan doonnaa mid.
appointment-cannot-come = Haddii aadan iman karin, fadlan noo sheeg sida ugu dhakhsaha badan, waxaanan ku siin doonnaa ballan kale. Ka maqnaanshaha ballan macnaheedu maaha inaad lumiso booskaaga xarunta.
appointment-private = Xaruntu qayb kama aha nidaamka socdaalka. Waxa aad noo sheegto waxay ku jiraan diiwaankaaga caafimaadka.

## Safety plan (§6)

plan-title = Qorshaha badbaadada
plan-warning-signs = Calaamadaha digniinta ee muujinaya in xaalad adag bilaabmayso
plan-coping-strategies = Waxyaabaha aan sameyn karo si aan isu caawiyo
plan-people-and-places = Dadka iyo meelaha i caawiya
plan-professionals-and-crisis = Xirfadlayaasha iyo lambarrada xaaladaha degdegga ah
plan-safer-surroundings = Ka dhigista deegaankayga mid ammaan badan
plan-reasons-for-living = Sababaha aan u noolahay
plan-crisis-heading = Haddii aad hadda xaalad adag ku jirto
plan-crisis-text =
    Haddii aad ka fikirayso inaad naftaada dilato ama aad is dhaawacdo, fadlan qof u sheeg hadda. Uma baahnid inaad kaligaa la tacaasho.
    Samaritans: wac 116 123, bilaash, waqti kasta oo habeen ama maalin ah.
    NHS 111: wac 111 oo dooro doorashada 2 si aad u hesho caawimaad degdeg ah oo caafimaadka maskaxda ah.
    Xaalad degdeg ah, ama haddii aad hadda khatar ku jirto, wac 999 ama tag qaybta gurmadka degdegga ah (A&E).
    Waxaad sidoo kale la xiriiri kartaa xaruntan oo aad codsan kartaa inaad maanta la hadasho dhakhtar ama kalkaaliye.
