### Haven's patient handouts in Arabic (العربية).
### DRAFT: written by Haven's developers from the English source (en.ftl) and not yet reviewed
### by a qualified translator, so every handout printed from this file carries the draft mark.
### To record a review, set -review-status to reviewed and add -reviewed-by with the
### translator's name and the date. Arabic punctuation (، ؛ ؟); phone numbers, dates and
### Latin names stay in European digits and letters, isolated left to right when printed.

-review-status = draft
-script = Arab

## Every handout

handout-name = الاسم: { $name }
handout-draft-mark = ترجمة أولية — يُرجى مراجعتها مع مترجم فوري
handout-no-translation = لا توجد ترجمة إلى { $language } حتى الآن. اطلب من مترجم فوري أن يقرأ هذا مع المريض.

## Dates

date-long = { $weekday }، { $day } { $month } { $year }
weekday-1 = الاثنين
weekday-2 = الثلاثاء
weekday-3 = الأربعاء
weekday-4 = الخميس
weekday-5 = الجمعة
weekday-6 = السبت
weekday-7 = الأحد
month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = مايو
month-6 = يونيو
month-7 = يوليو
month-8 = أغسطس
month-9 = سبتمبر
month-10 = أكتوبر
month-11 = نوفمبر
month-12 = ديسمبر

## Wellbeing advice (§3)

wellbeing-title = العناية بصحتك وراحتك النفسية
wellbeing-intro = يشعر كثير من الأشخاص الذين اضطروا إلى ترك بيوتهم بالتعب أو القلق أو الحزن. هذه ردود فعل شائعة على التجارب الصعبة. الخطوات الصغيرة التي تقوم بها كل يوم يمكن أن تساعدك.
wellbeing-sleep-heading = النوم
wellbeing-sleep = حاول أن تنام وتستيقظ في الوقت نفسه تقريبًا كل يوم. قلّل من الشاي والقهوة والشاشات في المساء. إذا لم تستطع النوم، انهض لبعض الوقت وافعل شيئًا هادئًا، ثم حاول مرة أخرى.
wellbeing-eating-heading = الأكل الجيد
wellbeing-eating = حاول أن تتناول وجبات منتظمة، مع الفواكه والخضروات عندما تستطيع، واشرب الكثير من الماء. مشاركة الطعام مع الآخرين تساعد أيضًا.
wellbeing-outdoors-heading = الخروج في الهواء الطلق والنشاط
wellbeing-outdoors = اقضِ بعض الوقت في الخارج في ضوء النهار كل يوم. المشي أو الرياضة أو أي حركة تستمتع بها مفيدة لجسمك ولمزاجك.
wellbeing-social-heading = التواصل مع الناس
wellbeing-social = ابقَ على تواصل مع أشخاص تثق بهم: الأصدقاء أو العائلة أو جماعة من مجتمعك أو من أهل دينك. يمكن لمنظمة محلية لدعم اللاجئين أن تساعدك على التعرف على الناس. اسألنا إذا كنت تريد مساعدة في إيجاد واحدة.
wellbeing-closing = قد تحتاج هذه الخطوات إلى بعض الوقت حتى تساعد. أخبرنا كيف تشعر. يمكنك التحدث مع طبيبك أو الممرض مرة أخرى في أي وقت.

## "I need an interpreter" card (§2)

card-title = أحتاج إلى مترجم فوري
card-language = لغتي: { $language }
card-dialect = لهجتي: { $dialect }
card-gender-female = أفضّل مترجمة امرأة إن أمكن.
card-gender-male = أفضّل مترجمًا رجلًا إن أمكن.
card-request = أرجو حجز مترجم فوري محترف لي عندما أرى طبيبًا أو ممرضًا أو أي عامل صحي آخر. الدعم اللغوي في خدمات NHS حق لي.

## Next-appointment letter (§1, §2)

appointment-title = موعدك القادم
appointment-when = لديك موعد في العيادة يوم { $date }.
appointment-interpreter-booked = لقد حجزنا لك مترجمًا فوريًا باللغة { $language }.
appointment-interpreter-ask = إذا كنت تحتاج إلى مترجم فوري، أخبرنا قبل يوم الموعد وسنحجز لك واحدًا.
appointment-cannot-come = إذا لم تستطع الحضور، أخبرنا في أقرب وقت ممكن وسنعطيك موعدًا آخر. إذا فاتك موعد فهذا لا يعني أنك تفقد مكانك في العيادة.
appointment-private = العيادة ليست جزءًا من نظام الهجرة. ما تخبرنا به يبقى في سجلك الصحي.

## Safety plan (§6)

plan-title = خطة السلامة
plan-warning-signs = علامات تحذيرية على أن أزمة قد تبدأ
plan-coping-strategies = أشياء يمكنني فعلها لمساعدة نفسي
plan-people-and-places = أشخاص وأماكن تساعدني
plan-professionals-and-crisis = مختصون وأرقام للاتصال في الأزمات
plan-safer-surroundings = جعل المكان من حولي أكثر أمانًا
plan-reasons-for-living = أسبابي للعيش
plan-crisis-heading = إذا كنت في أزمة الآن
plan-crisis-text =
    إذا كنت تفكر في إنهاء حياتك أو إيذاء نفسك، أرجوك أخبر أحدًا الآن. لست مضطرًا إلى مواجهة هذا وحدك.
    Samaritans: اتصل بالرقم 116 123، مجانًا، في أي وقت من الليل أو النهار.
    NHS 111: اتصل بالرقم 111 واختر الخيار 2 للحصول على مساعدة عاجلة في الصحة النفسية.
    في حالة الطوارئ، أو إذا كنت في خطر الآن، اتصل بالرقم 999 أو اذهب إلى قسم الطوارئ (A&E).
    يمكنك أيضًا الاتصال بهذه العيادة وطلب التحدث مع طبيب أو ممرض اليوم.
