### Haven's patient handouts in Tigrinya (ትግርኛ), in Ge'ez script.
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date. Ethiopic punctuation (። ፣ ፤); the Gregorian month names
### as used in Eritrea; phone numbers and dates in European digits.

-review-status = draft
-script = Ethi

## Every handout

handout-name = ሽም: { $name }
handout-draft-mark = ናይ መጀመርታ ትርጉም — ምስ ተርጓሚ ኣረጋግጹ
handout-no-translation = ክሳብ ሕጂ ናብ { $language } ዝተተርጎመ የለን። ንተርጓሚ ነዚ ምስ ሕሙም ብሓባር ከንብቦ ሕተትዎ።

## Dates

date-long = { $weekday }፣ { $day } { $month } { $year }
weekday-1 = ሰኑይ
weekday-2 = ሰሉስ
weekday-3 = ረቡዕ
weekday-4 = ሓሙስ
weekday-5 = ዓርቢ
weekday-6 = ቀዳም
weekday-7 = ሰንበት
month-1 = ጥሪ
month-2 = ለካቲት
month-3 = መጋቢት
month-4 = ሚያዝያ
month-5 = ግንቦት
month-6 = ሰነ
month-7 = ሓምለ
month-8 = ነሓሰ
month-9 = መስከረም
month-10 = ጥቅምቲ
month-11 = ሕዳር
month-12 = ታሕሳስ

## Wellbeing advice (§3)

wellbeing-title = ጥዕናኹምን ደሓንነትኩምን ምሕላው
wellbeing-intro = ገዛኦም ክገድፉ ዝተገደዱ ብዙሓት ሰባት ድኻም፣ ጭንቀት ወይ ጓሂ ይስምዖም። እዚ ንኸቢድ ተመክሮ ልሙድ ግብረ-መልሲ እዩ። መዓልታዊ እትወስድዎም ንኣሽቱ ስጉምትታት ክሕግዙኹም ይኽእሉ።
wellbeing-sleep-heading = ድቃስ
wellbeing-sleep = መዓልቲ መዓልቲ ኣብ ተመሳሳሊ ሰዓት ክትድቅሱን ክትበራበሩን ፈትኑ። ምሸት ሻሂ፣ ቡንን ስክሪንን ኣጉድሉ። ድቃስ እንተ ኣብዩኩም፣ ንቑሩብ ግዜ ተንሲእኩም ህዱእ ነገር ግበሩ፣ ድሕሪኡ ደጊምኩም ፈትኑ።
wellbeing-eating-heading = ጽቡቕ ምምጋብ
wellbeing-eating = ስሩዕ መግቢ ክትበልዑ ፈትኑ፣ ክኢልኩም ፍሩታታትን ኣሕምልትን ብልዑ፣ ብዙሕ ማይ ድማ ስተዩ። ምስ ካልኦት ብሓባር ምብላዕ እውን ይሕግዝ።
wellbeing-outdoors-heading = ናብ ደገ ምውጻእን ንጡፍ ምዃንን
wellbeing-outdoors = መዓልቲ መዓልቲ ብብርሃን መዓልቲ ገለ ግዜ ኣብ ደገ ኣሕልፉ። ብእግሪ ምኻድ፣ ስፖርት ወይ ዝኾነ እትፈትውዎ ምንቅስቓስ ንሰብነትኩምን ንስምዒትኩምን ጽቡቕ እዩ።
wellbeing-social-heading = ምስ ሰባት ምዃን
wellbeing-social = ምስ እትኣምንዎም ሰባት ርክብ ቀጽሉ፤ ኣዕሩኽ፣ ስድራቤት፣ ወይ ማሕበረሰባዊ ወይ ሃይማኖታዊ ጉጅለ። ሓደ ከባቢያዊ ትካል ደገፍ ስደተኛታት ምስ ሰባት ንክትላለዩ ክሕግዘኩም ይኽእል። ከምዚ ዝበለ ትካል ንምርካብ ሓገዝ እንተደሊኹም ሕተቱና።
wellbeing-closing = እዞም ስጉምትታት ክሕግዙ ግዜ ክወስዱ ይኽእሉ። ከመይ ከም ዝስምዓኩም ንገሩና። ኣብ ዝኾነ ግዜ ምስ ሓኪምኩም ወይ ነርስኩም ደጊምኩም ክትዛረቡ ትኽእሉ ኢኹም።

## "I need an interpreter" card (§2)

card-title = ተርጓሚ የድልየኒ እዩ
card-language = ቋንቋይ: { $language }
card-dialect = ላህጃይ: { $dialect }
card-gender-female = እንተተኻኢሉ፣ ጓል ኣንስተይቲ ተርጓሚት እመርጽ።
card-gender-male = እንተተኻኢሉ፣ ተባዕታይ ተርጓሚ እመርጽ።
card-request = ሓኪም፣ ነርስ ወይ ካልእ ሰራሕተኛ ጥዕና ክርኢ ከለኹ፣ በጃኹም ክኢላ ተርጓሚ ሓዙለይ። ኣብ ኣገልግሎት NHS ቋንቋዊ ደገፍ መሰለይ እዩ።

## Next-appointment letter (§1, §2)

appointment-title = ዝቕጽል ቆጸራኹም
appointment-when = ኣብ ክሊኒክ { $date } ቆጸራ ኣለኩም።
appointment-interpreter-booked = ናይ { $language } ተርጓሚ ሒዝናልኩም ኣለና።
appointment-interpreter-ask = ተርጓሚ እንተድሊኹም፣ ቅድሚ እታ መዓልቲ ንገሩና፣ ንሕና ክንሕዘልኩም ኢና።
appointment-cannot-come = ክትመጹ እንተዘይክኢልኩም፣ በጃኹም ብቕልጡፍ ሓብሩና፣ ካልእ ቆጸራ ክንህበኩም ኢና። ሓደ ቆጸራ ምሕላፍ ኣብ ክሊኒክ ቦታኹም ተጥፍኡ ማለት ኣይኮነን።
appointment-private = ክሊኒክ ክፋል ስርዓት ስደት ኣይኮነን። እትነግሩና ኣብ መዝገብ ጥዕናኹም ይተርፍ።

## Safety plan (§6)

plan-title = መደብ ድሕንነት
plan-warning-signs = ቅልውላው ክጅምር ከም ዝኽእል ዘመልክቱ ምልክታት
plan-coping-strategies = ንርእሰይ ንምሕጋዝ ክገብሮም ዝኽእል ነገራት
plan-people-and-places = ዝሕግዙኒ ሰባትን ቦታታትን
plan-professionals-and-crisis = ክኢላታትን ናይ ቅልውላው መራኸቢ ቁጽርታትን
plan-safer-surroundings = ከባቢየይ ዝያዳ ውሑስ ምግባር
plan-reasons-for-living = ንምንባር ዘለዉኒ ምኽንያታት
plan-crisis-heading = ሕጂ ኣብ ቅልውላው እንተሃሊኹም
plan-crisis-text =
    ህይወትኩም ከተብቅዑ ወይ ንርእስኹም ክትጎድኡ እንተሓሲብኩም፣ በጃኹም ሕጂ ንሓደ ሰብ ንገሩ። ነዚ በይንኹም ክትጻወርዎ ኣየድልየኩምን።
    Samaritans: ናብ 116 123 ደውሉ፣ ብነጻ፣ ኣብ ዝኾነ ሰዓት ለይቲ ወይ መዓልቲ።
    NHS 111: ናብ 111 ደውሉ እሞ ንህጹጽ ሓገዝ ኣእምሮኣዊ ጥዕና ምርጫ 2 ምረጹ።
    ኣብ ህጹጽ ኩነታት፣ ወይ ሕጂ ኣብ ሓደጋ እንተሃሊኹም፣ ናብ 999 ደውሉ ወይ ናብ ክፍሊ ህጹጽ ረድኤት (A&E) ኪዱ።
    ከምኡ እውን ነዚ ክሊኒክ ክትረኽብዎ እሞ ሎሚ ምስ ሓኪም ወይ ነርስ ክትዛረቡ ክትሓቱ ትኽእሉ ኢኹም።
