### Haven's patient handouts in Albanian (Shqip).
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date.

-review-status = draft
-script = Latn

## Every handout

handout-name = Emri: { $name }
handout-draft-mark = Përkthim paraprak — kontrollojeni me një përkthyes
handout-no-translation = Ende nuk ka përkthim në { $language }. Kërkojini një përkthyesi ta lexojë këtë së bashku me pacientin.

## Dates

date-long = { $weekday }, { $day } { $month } { $year }
weekday-1 = e hënë
weekday-2 = e martë
weekday-3 = e mërkurë
weekday-4 = e enjte
weekday-5 = e premte
weekday-6 = e shtunë
weekday-7 = e diel
month-1 = janar
month-2 = shkurt
month-3 = mars
month-4 = prill
month-5 = maj
month-6 = qershor
month-7 = korrik
month-8 = gusht
month-9 = shtator
month-10 = tetor
month-11 = nëntor
month-12 = dhjetor

## Wellbeing advice (§3)

wellbeing-title = Kujdesi për mirëqenien tuaj
wellbeing-intro = Shumë njerëz që janë detyruar të lënë shtëpinë e tyre ndihen të lodhur, të shqetësuar ose të trishtuar. Këto janë reagime të zakonshme ndaj përvojave të vështira. Hapat e vegjël që bëni çdo ditë mund t'ju ndihmojnë.
wellbeing-sleep-heading = Gjumi
wellbeing-sleep = Përpiquni të flini dhe të zgjoheni afërsisht në të njëjtën orë çdo ditë. Në mbrëmje pini më pak çaj e kafe dhe shikoni më pak ekrane. Nëse nuk ju zë gjumi, çohuni për pak kohë, bëni diçka të qetë dhe pastaj provoni përsëri.
wellbeing-eating-heading = Të ushqyerit mirë
wellbeing-eating = Përpiquni të hani vakte të rregullta, me fruta dhe perime kur të mundeni, dhe pini shumë ujë. Edhe ngrënia së bashku me të tjerët ndihmon.
wellbeing-outdoors-heading = Të qenit jashtë dhe aktiv
wellbeing-outdoors = Kaloni pak kohë jashtë në dritën e ditës çdo ditë. Ecja, sporti ose çdo lëvizje që ju pëlqen është e mirë për trupin dhe për gjendjen tuaj shpirtërore.
wellbeing-social-heading = Të qenit me njerëz të tjerë
wellbeing-social = Mbani lidhje me njerëzit te të cilët keni besim: miqtë, familjen, ose një grup komunitar a fetar. Një organizatë vendore për mbështetjen e refugjatëve mund t'ju ndihmojë të njiheni me njerëz. Na pyesni nëse doni ndihmë për të gjetur një të tillë.
wellbeing-closing = Këtyre hapave mund t'u duhet kohë që të ndihmojnë. Na tregoni si ndiheni. Mund të flisni përsëri me mjekun ose infermierin tuaj në çdo kohë.

## "I need an interpreter" card (§2)

card-title = Më duhet një përkthyes
card-language = Gjuha ime: { $language }
card-dialect = Dialekti im: { $dialect }
card-gender-female = Nëse është e mundur, preferoj një përkthyese grua.
card-gender-male = Nëse është e mundur, preferoj një përkthyes burrë.
card-request = Ju lutem rezervoni për mua një përkthyes profesionist kur takoj një mjek, infermier ose punonjës tjetër shëndetësor. Mbështetja gjuhësore në shërbimet e NHS është e drejta ime.

## Next-appointment letter (§1, §2)

appointment-title = Takimi juaj i ardhshëm
appointment-when = Keni një takim në qendrën mjekësore më { $date }.
appointment-interpreter-booked = Kemi rezervuar për ju një përkthyes në gjuhën { $language }.
appointment-interpreter-ask = Nëse ju duhet një përkthyes, na tregoni para ditës së takimit dhe ne do ta rezervojmë.
appointment-cannot-come = Nëse nuk mund të vini, ju lutem na njoftoni sa më shpejt dhe do t'ju japim një takim tjetër. Mungesa në një takim nuk do të thotë që e humbni vendin tuaj në qendrën mjekësore.
appointment-private = Qendra mjekësore nuk është pjesë e sistemit të imigracionit. Ajo që na tregoni mbetet në kartelën tuaj shëndetësore.

## Safety plan (§6)

plan-title = Plani i sigurisë
plan-warning-signs = Shenjat paralajmëruese se mund të fillojë një krizë
plan-coping-strategies = Gjëra që mund të bëj për të ndihmuar veten
plan-people-and-places = Njerëz dhe vende që më ndihmojnë
plan-professionals-and-crisis = Profesionistë dhe kontakte për raste krize
plan-safer-surroundings = Ta bëj më të sigurt mjedisin përreth meje
plan-reasons-for-living = Arsyet e mia për të jetuar
plan-crisis-heading = Nëse jeni në krizë tani
plan-crisis-text =
    Nëse po mendoni t'i jepni fund jetës ose të dëmtoni veten, ju lutem tregojini dikujt tani. Nuk keni pse ta përballoni këtë vetëm.
    Samaritans: telefononi 116 123, falas, në çdo orë të ditës ose të natës.
    NHS 111: telefononi 111 dhe zgjidhni opsionin 2 për ndihmë urgjente për shëndetin mendor.
    Në rast urgjence, ose nëse jeni në rrezik tani, telefononi 999 ose shkoni në urgjencë (A&E).
    Mund të kontaktoni edhe këtë qendër mjekësore dhe të kërkoni të flisni sot me një mjek ose infermier.
