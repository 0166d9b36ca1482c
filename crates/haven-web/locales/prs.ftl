### Haven's patient handouts in Dari (دری).
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date. Dari as written in Afghanistan (داکتر، ترجمان، شفاخانه),
### with the Gregorian month names used there; phone numbers and dates in European digits.

-review-status = draft
-script = Arab

## Every handout

handout-name = نام: { $name }
handout-draft-mark = ترجمهٔ ابتدایی — لطفاً با ترجمان بررسی شود
handout-no-translation = تا هنوز ترجمه‌ای به { $language } موجود نیست. از یک ترجمان بخواهید که این را همراه مریض بخواند.

## Dates

date-long = { $weekday } { $day } { $month } { $year }
weekday-1 = دوشنبه
weekday-2 = سه‌شنبه
weekday-3 = چهارشنبه
weekday-4 = پنجشنبه
weekday-5 = جمعه
weekday-6 = شنبه
weekday-7 = یکشنبه
month-1 = جنوری
month-2 = فبروری
month-3 = مارچ
month-4 = اپریل
month-5 = می
month-6 = جون
month-7 = جولای
month-8 = اگست
month-9 = سپتمبر
month-10 = اکتوبر
month-11 = نومبر
month-12 = دسمبر

## Wellbeing advice (§3)

wellbeing-title = مراقبت از صحت و آرامش خود
wellbeing-intro = بسیاری از کسانی که مجبور شده‌اند خانهٔ خود را ترک کنند، احساس خستگی، تشویش یا غم می‌کنند. این‌ها واکنش‌های معمول به تجربه‌های سخت است. قدم‌های کوچکی که هر روز برمی‌دارید می‌تواند کمک کند.
wellbeing-sleep-heading = خواب
wellbeing-sleep = کوشش کنید هر روز تقریباً در یک وقت معین بخوابید و بیدار شوید. شام‌ها چای، قهوه و دیدن تیلفون و تلویزیون را کمتر کنید. اگر خواب تان نمی‌برد، کمی برخیزید، یک کار آرام انجام دهید و بعد دوباره کوشش کنید.
wellbeing-eating-heading = خوب خوردن
wellbeing-eating = کوشش کنید غذا را به وقت‌های منظم بخورید، هر وقت توانستید میوه و سبزی بخورید و آب زیاد بنوشید. غذا خوردن همراه با دیگران هم کمک می‌کند.
wellbeing-outdoors-heading = بیرون رفتن و فعال بودن
wellbeing-outdoors = هر روز مدتی را در روشنی روز بیرون از خانه بگذرانید. قدم زدن، ورزش یا هر حرکتی که خوش تان می‌آید برای جان و روحیهٔ شما خوب است.
wellbeing-social-heading = بودن با دیگران
wellbeing-social = با کسانی که به آن‌ها اعتماد دارید در تماس بمانید: دوستان، فامیل، یا یک گروه اجتماعی یا دینی. یک مؤسسهٔ محلی حمایت از پناهندگان می‌تواند کمک کند تا با مردم آشنا شوید. اگر برای پیدا کردن آن کمک می‌خواهید، به ما بگویید.
wellbeing-closing = شاید مدتی طول بکشد تا این قدم‌ها کمک کنند. به ما بگویید چه احساس دارید. هر وقت بخواهید می‌توانید دوباره با داکتر یا نرس خود صحبت کنید.

## "I need an interpreter" card (§2)

card-title = به ترجمان ضرورت دارم
card-language = زبان من: { $language }
card-dialect = لهجهٔ من: { $dialect }
card-gender-female = اگر ممکن باشد، ترجمان زن را ترجیح می‌دهم.
card-gender-male = اگر ممکن باشد، ترجمان مرد را ترجیح می‌دهم.
card-request = لطفاً هر وقت که داکتر، نرس یا کارمند صحی دیگر را می‌بینم، برایم یک ترجمان مسلکی بگیرید. کمک زبانی در خدمات NHS حق من است.

## Next-appointment letter (§1, §2)

appointment-title = وقت ملاقات بعدی شما
appointment-when = شما به روز { $date } در کلینیک وقت ملاقات دارید.
appointment-interpreter-booked = ما برای شما یک ترجمان به { $language } گرفته‌ایم.
appointment-interpreter-ask = اگر به ترجمان ضرورت دارید، پیش از روز ملاقات به ما بگویید تا برای تان بگیریم.
appointment-cannot-come = اگر آمده نمی‌توانید، لطفاً هر چه زودتر به ما خبر دهید تا وقت دیگری برای تان بدهیم. نیامدن به یک ملاقات به این معنا نیست که جای خود را در کلینیک از دست می‌دهید.
appointment-private = کلینیک بخشی از سیستم مهاجرت نیست. آنچه به ما می‌گویید در سوابق صحی شما باقی می‌ماند.

## Safety plan (§6)

plan-title = پلان مصئونیت
plan-warning-signs = نشانه‌های هشدار که شاید یک بحران شروع شود
plan-coping-strategies = کارهایی که می‌توانم برای کمک به خود انجام دهم
plan-people-and-places = کسان و جاهایی که کمک می‌کنند
plan-professionals-and-crisis = متخصصان و شماره‌های تماس در وقت بحران
plan-safer-surroundings = مصئون‌تر ساختن محیط اطرافم
plan-reasons-for-living = دلایل من برای زندگی
plan-crisis-heading = اگر همین حالا در بحران هستید
plan-crisis-text =
    اگر به ختم کردن زندگی خود یا آسیب رساندن به خود فکر می‌کنید، لطفاً همین حالا به کسی بگویید. لازم نیست این را تنها تحمل کنید.
    Samaritans: به شمارهٔ 116 123 زنگ بزنید؛ رایگان و در هر وقت شب و روز.
    NHS 111: به شمارهٔ 111 زنگ بزنید و گزینهٔ 2 را برای کمک عاجل صحت روانی انتخاب کنید.
    در حالت عاجل، یا اگر همین حالا در خطر هستید، به 999 زنگ بزنید یا به بخش عاجل شفاخانه (A&E) بروید.
    همچنان می‌توانید با همین کلینیک تماس بگیرید و بخواهید که امروز با یک داکتر یا نرس صحبت کنید.
