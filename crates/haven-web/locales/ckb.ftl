### Haven's patient handouts in Kurdish (Sorani, کوردی).
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date. Sorani in its Arabic-based alphabet, with the month names
### used in the Kurdistan Region; phone numbers and dates in European digits.

-review-status = draft
-script = Arab

## Every handout

handout-name = ناو: { $name }
handout-draft-mark = وەرگێڕانی سەرەتایی — تکایە لەگەڵ وەرگێڕێکی زارەکی بیپشکنە
handout-no-translation = هێشتا وەرگێڕان بۆ { $language } نییە. داوا لە وەرگێڕێکی زارەکی بکە کە ئەمە لەگەڵ نەخۆشەکەدا بخوێنێتەوە.

## Dates

date-long = { $weekday }، { $day }ی { $month }ی { $year }
weekday-1 = دووشەممە
weekday-2 = سێشەممە
weekday-3 = چوارشەممە
weekday-4 = پێنجشەممە
weekday-5 = هەینی
weekday-6 = شەممە
weekday-7 = یەکشەممە
month-1 = کانوونی دووەم
month-2 = شوبات
month-3 = ئازار
month-4 = نیسان
month-5 = ئایار
month-6 = حوزەیران
month-7 = تەممووز
month-8 = ئاب
month-9 = ئەیلوول
month-10 = تشرینی یەکەم
month-11 = تشرینی دووەم
month-12 = کانوونی یەکەم

## Wellbeing advice (§3)

wellbeing-title = ئاگاداری لە تەندروستی و ئاسوودەیی خۆت
wellbeing-intro = زۆر لەو کەسانەی ناچار بوون ماڵەکانیان جێبهێڵن، هەست بە ماندوویی، نیگەرانی یان خەمباری دەکەن. ئەمانە کاردانەوەی ئاسایین بۆ ئەزموونە سەختەکان. ئەو هەنگاوە بچووکانەی هەموو ڕۆژێک دەینێیت، دەتوانن یارمەتیت بدەن.
wellbeing-sleep-heading = خەو
wellbeing-sleep = هەوڵ بدە هەموو ڕۆژێک نزیکەی لە هەمان کاتدا بخەویت و هەستیتەوە. لە ئێواراندا چا، قاوە و سەیرکردنی شاشە کەمتر بکەرەوە. ئەگەر خەوت لێ نەکەوت، بۆ ماوەیەک هەستە، کارێکی ئارام بکە، پاشان دووبارە هەوڵ بدەرەوە.
wellbeing-eating-heading = باش خواردن
wellbeing-eating = هەوڵ بدە ژەمی ڕێکوپێک بخۆیت، هەر کاتێک توانیت میوە و سەوزە بخۆ، و ئاوی زۆر بخۆرەوە. نانخواردن لەگەڵ کەسانی تریش یارمەتیدەرە.
wellbeing-outdoors-heading = چوونە دەرەوە و چالاک بوون
wellbeing-outdoors = هەموو ڕۆژێک کاتێک لە ڕووناکی ڕۆژدا لە دەرەوە بەسەر ببە. پیاسەکردن، وەرزش یان هەر جووڵەیەک کە چێژی لێ وەردەگریت، بۆ جەستە و دەروونت باشە.
wellbeing-social-heading = بوون لەگەڵ خەڵکی تر
wellbeing-social = پەیوەندی لەگەڵ ئەو کەسانە بپارێزە کە متمانەت پێیان هەیە: هاوڕێکان، خێزان، یان گرووپێکی کۆمەڵایەتی یان ئایینی. ڕێکخراوێکی ناوخۆیی بۆ پشتگیری پەنابەران دەتوانێت یارمەتیت بدات خەڵک بناسیت. ئەگەر یارمەتیت دەوێت بۆ دۆزینەوەی یەکێکیان، پێمان بڵێ.
wellbeing-closing = لەوانەیە ئەم هەنگاوانە کاتیان پێویست بێت تا کاریگەر بن. پێمان بڵێ هەست بە چی دەکەیت. هەر کاتێک بتەوێت دەتوانیت دووبارە لەگەڵ پزیشک یان پەرستارەکەت قسە بکەیت.

## "I need an interpreter" card (§2)

card-title = پێویستم بە وەرگێڕێکی زارەکی هەیە
card-language = زمانەکەم: { $language }
card-dialect = شێوەزارەکەم: { $dialect }
card-gender-female = ئەگەر بکرێت، وەرگێڕێکی ئافرەتم پێ باشترە.
card-gender-male = ئەگەر بکرێت، وەرگێڕێکی پیاوم پێ باشترە.
card-request = تکایە کاتێک سەردانی پزیشک، پەرستار یان هەر کارمەندێکی تری تەندروستی دەکەم، وەرگێڕێکی زارەکی پیشەگەرم بۆ بگرن. پشتگیری زمانی لە خزمەتگوزارییەکانی NHS مافی منە.

## Next-appointment letter (§1, §2)

appointment-title = چاوپێکەوتنی داهاتووت
appointment-when = تۆ لە ڕۆژی { $date } چاوپێکەوتنت لە کلینیکەکە هەیە.
appointment-interpreter-booked = وەرگێڕێکی زارەکی بە { $language } بۆت گیراوە.
appointment-interpreter-ask = ئەگەر پێویستت بە وەرگێڕێکی زارەکی هەیە، پێش ڕۆژی چاوپێکەوتنەکە پێمان بڵێ تا یەکێکت بۆ بگرین.
appointment-cannot-come = ئەگەر ناتوانیت بێیت، تکایە هەرچی زووترە ئاگادارمان بکەرەوە تا کاتێکی ترت پێ بدەین. نەهاتن بۆ چاوپێکەوتنێک مانای ئەوە نییە کە شوێنەکەت لە کلینیکەکە لەدەست دەدەیت.
appointment-private = کلینیکەکە بەشێک نییە لە سیستەمی کۆچ. ئەوەی پێمانی دەڵێیت لە تۆماری تەندروستیتدا دەمێنێتەوە.

## Safety plan (§6)

plan-title = پلانی سەلامەتی
plan-warning-signs = ئەو نیشانانەی ئاگادارمان دەکەنەوە کە لەوانەیە قەیرانێک دەست پێ بکات
plan-coping-strategies = ئەو شتانەی دەتوانم بیکەم بۆ یارمەتیدانی خۆم
plan-people-and-places = ئەو کەس و شوێنانەی یارمەتیم دەدەن
plan-professionals-and-crisis = پسپۆڕان و ژمارەکانی پەیوەندی لە کاتی قەیراندا
plan-safer-surroundings = سەلامەتتر کردنی دەوروبەرم
plan-reasons-for-living = هۆکارەکانم بۆ ژیان
plan-crisis-heading = ئەگەر ئێستا لە قەیراندایت
plan-crisis-text =
    ئەگەر بیر لە کۆتایی هێنان بە ژیانت یان ئازاردانی خۆت دەکەیتەوە، تکایە هەر ئێستا بە کەسێک بڵێ. پێویست ناکات بە تەنیا ڕووبەڕووی ئەمە ببیتەوە.
    Samaritans: پەیوەندی بە 116 123 بکە، بەخۆڕایی، لە هەر کاتێکی شەو یان ڕۆژدا.
    NHS 111: پەیوەندی بە 111 بکە و بژاردەی 2 هەڵبژێرە بۆ یارمەتی بەپەلەی تەندروستی دەروونی.
    لە کاتی فریاکەوتندا، یان ئەگەر ئێستا لە مەترسیدایت، پەیوەندی بە 999 بکە یان بڕۆ بۆ بەشی فریاکەوتن (A&E).
    هەروەها دەتوانیت پەیوەندی بەم کلینیکەوە بکەیت و داوا بکەیت ئەمڕۆ لەگەڵ پزیشک یان پەرستارێک قسە بکەیت.
