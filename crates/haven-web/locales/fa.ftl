### Haven's patient handouts in Farsi (Persian, فارسی).
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date. Persian punctuation (، ؛ ؟) and the zero-width non-joiner
### inside words; phone numbers, dates and Latin names in European digits and letters.

-review-status = draft
-script = Arab

## Every handout

handout-name = نام: { $name }
handout-draft-mark = ترجمهٔ پیش‌نویس — لطفاً با مترجم شفاهی بررسی شود
handout-no-translation = هنوز ترجمه‌ای به { $language } وجود ندارد. از یک مترجم شفاهی بخواهید این را همراه بیمار بخواند.

## Dates

date-long = { $weekday } { $day } { $month } { $year }
weekday-1 = دوشنبه
weekday-2 = سه‌شنبه
weekday-3 = چهارشنبه
weekday-4 = پنج‌شنبه
weekday-5 = جمعه
weekday-6 = شنبه
weekday-7 = یکشنبه
month-1 = ژانویه
month-2 = فوریه
month-3 = مارس
month-4 = آوریل
month-5 = مه
month-6 = ژوئن
month-7 = ژوئیه
month-8 = اوت
month-9 = سپتامبر
month-10 = اکتبر
month-11 = نوامبر
month-12 = دسامبر

## Wellbeing advice (§3)

wellbeing-title = مراقبت از سلامت و آرامش خود
wellbeing-intro = بسیاری از کسانی که مجبور به ترک خانهٔ خود شده‌اند احساس خستگی، نگرانی یا غم می‌کنند. این‌ها واکنش‌هایی رایج به تجربه‌های سخت است. قدم‌های کوچکی که هر روز برمی‌دارید می‌تواند کمک کند.
wellbeing-sleep-heading = خواب
wellbeing-sleep = سعی کنید هر روز تقریباً در یک ساعت مشخص بخوابید و بیدار شوید. عصرها چای، قهوه و نگاه کردن به صفحهٔ گوشی و تلویزیون را کمتر کنید. اگر خوابتان نمی‌برد، مدتی بلند شوید، کاری آرام انجام دهید و بعد دوباره امتحان کنید.
wellbeing-eating-heading = تغذیهٔ خوب
wellbeing-eating = سعی کنید وعده‌های غذایی منظم بخورید، هر وقت توانستید میوه و سبزی بخورید و آب زیاد بنوشید. غذا خوردن همراه با دیگران هم کمک می‌کند.
wellbeing-outdoors-heading = بیرون رفتن و فعال بودن
wellbeing-outdoors = هر روز مدتی را در روشنایی روز بیرون از خانه بگذرانید. پیاده‌روی، ورزش یا هر حرکتی که از آن لذت می‌برید برای بدن و حال شما خوب است.
wellbeing-social-heading = بودن با دیگران
wellbeing-social = با کسانی که به آن‌ها اعتماد دارید در ارتباط بمانید: دوستان، خانواده، یا یک گروه اجتماعی یا مذهبی. یک سازمان محلی حمایت از پناهندگان می‌تواند کمک کند با دیگران آشنا شوید. اگر برای پیدا کردن چنین سازمانی کمک می‌خواهید، به ما بگویید.
wellbeing-closing = ممکن است مدتی طول بکشد تا این قدم‌ها اثر کنند. به ما بگویید چه احساسی دارید. هر زمان که بخواهید می‌توانید دوباره با پزشک یا پرستار خود صحبت کنید.

## "I need an interpreter" card (§2)

card-title = به مترجم شفاهی نیاز دارم
card-language = زبان من: { $language }
card-dialect = گویش من: { $dialect }
card-gender-female = در صورت امکان، مترجم زن را ترجیح می‌دهم.
card-gender-male = در صورت امکان، مترجم مرد را ترجیح می‌دهم.
card-request = لطفاً هر بار که پزشک، پرستار یا کارکنان دیگر بهداشت و درمان را می‌بینم، یک مترجم شفاهی حرفه‌ای برایم رزرو کنید. پشتیبانی زبانی در خدمات NHS حق من است.

## Next-appointment letter (§1, §2)

appointment-title = وقت ملاقات بعدی شما
appointment-when = شما روز { $date } در مطب وقت ملاقات دارید.
appointment-interpreter-booked = ما برای شما یک مترجم شفاهی به { $language } رزرو کرده‌ایم.
appointment-interpreter-ask = اگر به مترجم شفاهی نیاز دارید، پیش از روز ملاقات به ما بگویید تا برایتان رزرو کنیم.
appointment-cannot-come = اگر نمی‌توانید بیایید، لطفاً هر چه زودتر به ما خبر دهید تا وقت دیگری به شما بدهیم. نیامدن به یک وقت ملاقات به این معنا نیست که جای خود را در مطب از دست می‌دهید.
appointment-private = مطب بخشی از نظام مهاجرت نیست. آنچه به ما می‌گویید در پروندهٔ پزشکی شما می‌ماند.

## Safety plan (§6)

plan-title = برنامهٔ ایمنی
plan-warning-signs = نشانه‌های هشداردهنده که ممکن است بحرانی در حال شروع باشد
plan-coping-strategies = کارهایی که می‌توانم برای کمک به خودم انجام دهم
plan-people-and-places = افراد و جاهایی که کمکم می‌کنند
plan-professionals-and-crisis = متخصصان و شماره‌های تماس در بحران
plan-safer-surroundings = امن‌تر کردن محیط اطرافم
plan-reasons-for-living = دلایل من برای زندگی
plan-crisis-heading = اگر همین حالا در بحران هستید
plan-crisis-text =
    اگر به پایان دادن به زندگی خود یا آسیب زدن به خودتان فکر می‌کنید، لطفاً همین حالا به کسی بگویید. لازم نیست به‌تنهایی با این وضعیت کنار بیایید.
    Samaritans: با شمارهٔ 116 123 تماس بگیرید؛ رایگان و در هر ساعت از شبانه‌روز.
    NHS 111: با شمارهٔ 111 تماس بگیرید و گزینهٔ 2 را برای کمک فوری در سلامت روان انتخاب کنید.
    در وضعیت اضطراری، یا اگر همین حالا در خطر هستید، با 999 تماس بگیرید یا به بخش اورژانس (A&E) بروید.
    همچنین می‌توانید با همین مطب تماس بگیرید و بخواهید امروز با یک پزشک یا پرستار صحبت کنید.
