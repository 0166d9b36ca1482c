//! Name tables for the demo population: common given and family names per language and
//! country, in Latin transliteration as an English practice would register them, and for
//! Arabic-script languages the same name in the person's own script.
//!
//! A flat table on purpose: static arrays cost nothing at run time and are easy to review.

/// A pool of names; Arabic-script pools pair each transliteration with the native spelling.
#[derive(Clone, Copy)]
pub(crate) enum Pool {
    Latin(&'static [&'static str]),
    Native(&'static [(&'static str, &'static str)]),
}

impl Pool {
    pub(crate) fn len(self) -> usize {
        match self {
            Pool::Latin(x) => x.len(),
            Pool::Native(x) => x.len(),
        }
    }

    /// The name at `i`: (Latin transliteration, native spelling if the pool has one).
    pub(crate) fn get(self, i: usize) -> (&'static str, Option<&'static str>) {
        match self {
            Pool::Latin(x) => (x[i], None),
            Pool::Native(x) => (x[i].0, Some(x[i].1)),
        }
    }
}

// Dari (Afghanistan), Persian script.
pub(crate) const DARI_MALE: Pool = Pool::Native(&[
    ("Mohammad", "محمد"),
    ("Ahmad", "احمد"),
    ("Ali", "علی"),
    ("Hamid", "حمید"),
    ("Farid", "فرید"),
    ("Jawad", "جواد"),
    ("Karim", "کریم"),
    ("Rahim", "رحیم"),
    ("Mustafa", "مصطفی"),
    ("Hassan", "حسن"),
    ("Hussain", "حسین"),
    ("Omid", "امید"),
    ("Nasir", "ناصر"),
    ("Sohrab", "سهراب"),
    ("Najib", "نجیب"),
    ("Wahid", "وحید"),
    ("Shafiq", "شفیق"),
    ("Jamshid", "جمشید"),
    ("Murtaza", "مرتضی"),
    ("Sajjad", "سجاد"),
    ("Naweed", "نوید"),
    ("Sayed", "سید"),
    ("Khalil", "خلیل"),
    ("Bilal", "بلال"),
    ("Idris", "ادریس"),
]);
pub(crate) const DARI_FEMALE: Pool = Pool::Native(&[
    ("Fatima", "فاطمه"),
    ("Zahra", "زهرا"),
    ("Maryam", "مریم"),
    ("Parwana", "پروانه"),
    ("Nargis", "نرگس"),
    ("Shabnam", "شبنم"),
    ("Laila", "لیلا"),
    ("Sima", "سیما"),
    ("Roya", "رویا"),
    ("Freshta", "فرشته"),
    ("Farzana", "فرزانه"),
    ("Soraya", "ثریا"),
    ("Mina", "مینا"),
    ("Habiba", "حبیبه"),
    ("Masooma", "معصومه"),
    ("Zarghona", "زرغونه"),
]);
pub(crate) const AFGHAN_FAMILY: Pool = Pool::Native(&[
    ("Ahmadi", "احمدی"),
    ("Rahimi", "رحیمی"),
    ("Hakimi", "حکیمی"),
    ("Karimi", "کریمی"),
    ("Sultani", "سلطانی"),
    ("Mohammadi", "محمدی"),
    ("Hashimi", "هاشمی"),
    ("Noori", "نوری"),
    ("Amiri", "امیری"),
    ("Haidari", "حیدری"),
    ("Jafari", "جعفری"),
    ("Wardak", "وردک"),
    ("Safi", "صافی"),
    ("Popal", "پوپل"),
    ("Yousufzai", "یوسفزی"),
    ("Stanikzai", "ستانکزی"),
    ("Rezaie", "رضایی"),
    ("Sadat", "سادات"),
    ("Hussaini", "حسینی"),
    ("Qaderi", "قادری"),
    ("Nazari", "نظری"),
    ("Rasuli", "رسولی"),
]);

// Pashto (Afghanistan), Pashto orthography.
pub(crate) const PASHTO_MALE: Pool = Pool::Native(&[
    ("Zalmai", "زلمی"),
    ("Wali", "ولي"),
    ("Sardar", "سردار"),
    ("Jalal", "جلال"),
    ("Khalid", "خالد"),
    ("Asadullah", "اسدالله"),
    ("Noorullah", "نورالله"),
    ("Habib", "حبیب"),
    ("Ismail", "اسماعیل"),
    ("Shahid", "شاهد"),
    ("Ahmad", "احمد"),
    ("Mohammad", "محمد"),
    ("Mirwais", "میرویس"),
    ("Hamidullah", "حمیدالله"),
    ("Gul", "ګل"),
]);
pub(crate) const PASHTO_FEMALE: Pool = Pool::Native(&[
    ("Gulalai", "ګلالۍ"),
    ("Malalai", "ملالۍ"),
    ("Palwasha", "پلوشه"),
    ("Zarghona", "زرغونه"),
    ("Nazia", "نازیه"),
    ("Shazia", "شازیه"),
    ("Mariam", "مریم"),
    ("Fatima", "فاطمه"),
    ("Sabira", "صابره"),
]);
pub(crate) const PASHTO_FAMILY: Pool = Pool::Native(&[
    ("Yousufzai", "یوسفزی"),
    ("Stanikzai", "ستانکزی"),
    ("Popal", "پوپل"),
    ("Safi", "صافي"),
    ("Khan", "خان"),
    ("Wardak", "وردګ"),
    ("Durrani", "دراني"),
    ("Mohmand", "مومند"),
    ("Shinwari", "شینواري"),
    ("Afridi", "افریدي"),
    ("Ahmadzai", "احمدزی"),
    ("Niazi", "نیازي"),
    ("Kakar", "کاکړ"),
]);

// Farsi (Iran), Persian script.
pub(crate) const FARSI_MALE: Pool = Pool::Native(&[
    ("Mohammad", "محمد"),
    ("Ali", "علی"),
    ("Reza", "رضا"),
    ("Mehdi", "مهدی"),
    ("Amir", "امیر"),
    ("Saeed", "سعید"),
    ("Behzad", "بهزاد"),
    ("Arash", "آرش"),
    ("Hossein", "حسین"),
    ("Omid", "امید"),
    ("Ramin", "رامین"),
    ("Babak", "بابک"),
    ("Kourosh", "کوروش"),
    ("Pouya", "پویا"),
    ("Hamed", "حامد"),
    ("Majid", "مجید"),
    ("Navid", "نوید"),
    ("Milad", "میلاد"),
    ("Peyman", "پیمان"),
    ("Farhad", "فرهاد"),
]);
pub(crate) const FARSI_FEMALE: Pool = Pool::Native(&[
    ("Maryam", "مریم"),
    ("Zahra", "زهرا"),
    ("Fatemeh", "فاطمه"),
    ("Narges", "نرگس"),
    ("Shirin", "شیرین"),
    ("Mahsa", "مهسا"),
    ("Nasrin", "نسرین"),
    ("Leila", "لیلا"),
    ("Azadeh", "آزاده"),
    ("Somayeh", "سمیه"),
    ("Parisa", "پریسا"),
    ("Elham", "الهام"),
    ("Niloufar", "نیلوفر"),
    ("Sara", "سارا"),
    ("Mina", "مینا"),
    ("Roya", "رویا"),
]);
pub(crate) const IRAN_FAMILY: Pool = Pool::Native(&[
    ("Hosseini", "حسینی"),
    ("Rezaei", "رضایی"),
    ("Moradi", "مرادی"),
    ("Karimi", "کریمی"),
    ("Ahmadi", "احمدی"),
    ("Jafari", "جعفری"),
    ("Ghasemi", "قاسمی"),
    ("Sadeghi", "صادقی"),
    ("Rahmani", "رحمانی"),
    ("Kazemi", "کاظمی"),
    ("Abbasi", "عباسی"),
    ("Najafi", "نجفی"),
    ("Azizi", "عزیزی"),
    ("Mousavi", "موسوی"),
    ("Heidari", "حیدری"),
    ("Ebrahimi", "ابراهیمی"),
    ("Nouri", "نوری"),
    ("Shirazi", "شیرازی"),
    ("Tavakoli", "توکلی"),
    ("Mohammadi", "محمدی"),
]);

// Arabic (Sudan, Syria, Iraq, Yemen), Arabic script.
pub(crate) const ARABIC_MALE: Pool = Pool::Native(&[
    ("Mohamed", "محمد"),
    ("Ahmed", "أحمد"),
    ("Omar", "عمر"),
    ("Ali", "علي"),
    ("Hassan", "حسن"),
    ("Ibrahim", "إبراهيم"),
    ("Yousif", "يوسف"),
    ("Khalid", "خالد"),
    ("Abdullah", "عبدالله"),
    ("Mustafa", "مصطفى"),
    ("Osman", "عثمان"),
    ("Adam", "آدم"),
    ("Hamza", "حمزة"),
    ("Tariq", "طارق"),
    ("Bilal", "بلال"),
    ("Mahmoud", "محمود"),
    ("Samir", "سمير"),
    ("Faisal", "فيصل"),
    ("Nasser", "ناصر"),
    ("Saleh", "صالح"),
    ("Abdulrahman", "عبدالرحمن"),
    ("Ayman", "أيمن"),
    ("Mohanad", "مهند"),
    ("Hussein", "حسين"),
    ("Haider", "حيدر"),
]);
pub(crate) const ARABIC_FEMALE: Pool = Pool::Native(&[
    ("Fatima", "فاطمة"),
    ("Amina", "آمنة"),
    ("Mariam", "مريم"),
    ("Huda", "هدى"),
    ("Aisha", "عائشة"),
    ("Nour", "نور"),
    ("Rania", "رانيا"),
    ("Layla", "ليلى"),
    ("Sara", "سارة"),
    ("Hanan", "حنان"),
    ("Salma", "سلمى"),
    ("Zainab", "زينب"),
    ("Rasha", "رشا"),
    ("Asma", "أسماء"),
    ("Hiba", "هبة"),
    ("Duaa", "دعاء"),
    ("Reem", "ريم"),
    ("Noura", "نورة"),
]);
pub(crate) const SUDAN_FAMILY: Pool = Pool::Native(&[
    ("Abdelrahman", "عبد الرحمن"),
    ("Osman", "عثمان"),
    ("Ibrahim", "إبراهيم"),
    ("Abakar", "أبكر"),
    ("Ishag", "إسحاق"),
    ("Adam", "آدم"),
    ("Yagoub", "يعقوب"),
    ("Elnour", "النور"),
    ("Babiker", "بابكر"),
    ("Hamid", "حامد"),
    ("Eltayeb", "الطيب"),
    ("Abdalla", "عبدالله"),
    ("Suleiman", "سليمان"),
]);
pub(crate) const SYRIA_FAMILY: Pool = Pool::Native(&[
    ("Al-Khatib", "الخطيب"),
    ("Haddad", "حداد"),
    ("Darwish", "درويش"),
    ("Mansour", "منصور"),
    ("Khalil", "خليل"),
    ("Al-Ahmad", "الأحمد"),
    ("Hamwi", "الحموي"),
    ("Shami", "الشامي"),
    ("Al-Masri", "المصري"),
    ("Kassem", "قاسم"),
    ("Halabi", "الحلبي"),
    ("Najjar", "النجار"),
    ("Aziz", "عزيز"),
]);
pub(crate) const IRAQ_FAMILY: Pool = Pool::Native(&[
    ("Al-Jabouri", "الجبوري"),
    ("Al-Saadi", "السعدي"),
    ("Al-Obaidi", "العبيدي"),
    ("Al-Tamimi", "التميمي"),
    ("Al-Rubaie", "الربيعي"),
    ("Hussein", "حسين"),
    ("Kadhim", "كاظم"),
    ("Jasim", "جاسم"),
    ("Al-Dulaimi", "الدليمي"),
    ("Abbas", "عباس"),
]);
pub(crate) const YEMEN_FAMILY: Pool = Pool::Native(&[
    ("Al-Hakimi", "الحكيمي"),
    ("Al-Amri", "العمري"),
    ("Al-Sanani", "الصنعاني"),
    ("Saleh", "صالح"),
    ("Al-Haddad", "الحداد"),
    ("Ba-Wazir", "باوزير"),
    ("Al-Qadhi", "القاضي"),
    ("Nasser", "ناصر"),
]);

// Kurdish, Sorani (Iraq, Iran), Kurdish Arabic-based script.
pub(crate) const SORANI_MALE: Pool = Pool::Native(&[
    ("Karwan", "کاروان"),
    ("Rebwar", "ڕێبوار"),
    ("Dilshad", "دڵشاد"),
    ("Hiwa", "هیوا"),
    ("Shwan", "شوان"),
    ("Azad", "ئازاد"),
    ("Sherko", "شێرکۆ"),
    ("Aram", "ئارام"),
    ("Bakhtiyar", "بەختیار"),
    ("Dana", "دانا"),
    ("Hemin", "هێمن"),
    ("Sarkawt", "سەرکەوت"),
    ("Kawa", "کاوە"),
    ("Soran", "سۆران"),
    ("Hawre", "هاوڕێ"),
    ("Zana", "زانا"),
]);
pub(crate) const SORANI_FEMALE: Pool = Pool::Native(&[
    ("Shilan", "شیلان"),
    ("Bahar", "بەهار"),
    ("Nazdar", "نازدار"),
    ("Kazhal", "کاژاڵ"),
    ("Chnar", "چنار"),
    ("Tara", "تارا"),
    ("Hana", "هانا"),
    ("Rozhan", "ڕۆژان"),
    ("Awaz", "ئاواز"),
    ("Nasreen", "نەسرین"),
    ("Gulala", "گوڵاڵە"),
]);
pub(crate) const SORANI_FAMILY: Pool = Pool::Native(&[
    ("Rashid", "ڕەشید"),
    ("Karim", "کەریم"),
    ("Aziz", "عەزیز"),
    ("Qadir", "قادر"),
    ("Salih", "ساڵح"),
    ("Hawrami", "هەورامی"),
    ("Jaf", "جاف"),
    ("Mustafa", "مستەفا"),
    ("Hamad", "حەمەد"),
    ("Faraj", "فەرەج"),
    ("Omer", "عومەر"),
    ("Mahmud", "مەحموود"),
    ("Ahmed", "ئەحمەد"),
]);

// Kurdish, Kurmanji (Turkey, Syria), written in Latin script.
pub(crate) const KURMANJI_MALE: Pool = Pool::Latin(&[
    "Serhat", "Baran", "Rojhat", "Welat", "Berzan", "Diyar", "Zana", "Ciwan", "Şoreş", "Azad",
    "Mazlum", "Hozan", "Dilovan", "Rênas", "Agit",
]);
pub(crate) const KURMANJI_FEMALE: Pool = Pool::Latin(&[
    "Berfin", "Rojda", "Zozan", "Hêvî", "Dilan", "Nûdem", "Rûken", "Ronahî", "Jiyan", "Viyan",
    "Evîn", "Hêlîn",
]);
pub(crate) const TURKEY_FAMILY: Pool = Pool::Latin(&[
    "Demir",
    "Aydın",
    "Kaya",
    "Yılmaz",
    "Öztürk",
    "Aslan",
    "Doğan",
    "Çelik",
    "Acar",
    "Polat",
    "Kılıç",
    "Yıldırım",
    "Tekin",
]);
pub(crate) const SYRIA_KURD_FAMILY: Pool = Pool::Latin(&[
    "Hesen",
    "Ebdo",
    "Xelîl",
    "Mihemed",
    "Şêxo",
    "Îbrahîm",
    "Osê",
    "Remo",
]);
pub(crate) const TURKISH_MALE: Pool = Pool::Latin(&[
    "Mehmet", "Ahmet", "Mustafa", "Emre", "Murat", "Hasan", "Ali", "Hüseyin", "Serkan",
]);
pub(crate) const TURKISH_FEMALE: Pool =
    Pool::Latin(&["Ayşe", "Fatma", "Elif", "Zeynep", "Emine", "Hatice"]);

// Tigrinya (Eritrea).
pub(crate) const TIGRINYA_MALE: Pool = Pool::Latin(&[
    "Yonas", "Dawit", "Habtom", "Tesfay", "Filmon", "Mehari", "Samuel", "Biniam", "Kidane",
    "Robel", "Merhawi", "Aron", "Henok", "Tekle", "Abel", "Senay", "Amanuel", "Michael", "Yemane",
    "Teklit",
]);
pub(crate) const TIGRINYA_FEMALE: Pool = Pool::Latin(&[
    "Helen", "Selam", "Senait", "Yordanos", "Luwam", "Saba", "Mebrat", "Freweyni", "Rahel",
    "Semhar", "Winta", "Eden", "Hiwet", "Ruta", "Almaz",
]);
pub(crate) const ERITREA_FAMILY: Pool = Pool::Latin(&[
    "Tesfamariam",
    "Gebremedhin",
    "Habte",
    "Tekle",
    "Ghebreyesus",
    "Woldu",
    "Berhane",
    "Kidane",
    "Haile",
    "Andemariam",
    "Mehari",
    "Asfaha",
    "Yohannes",
    "Zerai",
    "Tewelde",
    "Ghirmay",
    "Okbay",
    "Negash",
]);

// Amharic (Ethiopia).
pub(crate) const AMHARIC_MALE: Pool = Pool::Latin(&[
    "Abebe", "Dawit", "Solomon", "Tesfaye", "Mulugeta", "Bereket", "Yared", "Fikru", "Getachew",
    "Kebede", "Henok", "Natnael", "Eyob", "Biruk",
]);
pub(crate) const AMHARIC_FEMALE: Pool = Pool::Latin(&[
    "Tigist",
    "Meron",
    "Selamawit",
    "Hiwot",
    "Bethlehem",
    "Mekdes",
    "Saba",
    "Almaz",
    "Tsion",
    "Liya",
    "Eden",
    "Rahel",
]);
pub(crate) const ETHIOPIA_FAMILY: Pool = Pool::Latin(&[
    "Tadesse", "Bekele", "Alemu", "Getahun", "Haile", "Mengistu", "Wolde", "Tesfaye", "Girma",
    "Negash", "Abebe", "Desta", "Assefa", "Kebede",
]);

// Somali.
pub(crate) const SOMALI_MALE: Pool = Pool::Latin(&[
    "Abdi",
    "Mohamed",
    "Ahmed",
    "Abdirahman",
    "Hassan",
    "Yusuf",
    "Ali",
    "Omar",
    "Abdullahi",
    "Farah",
    "Mahad",
    "Liban",
    "Abdikarim",
    "Mustafe",
    "Hamse",
]);
pub(crate) const SOMALI_FEMALE: Pool = Pool::Latin(&[
    "Hodan", "Fadumo", "Amina", "Sahra", "Ayan", "Hibo", "Ubah", "Khadra", "Istahil", "Deeqa",
    "Nasra", "Sagal", "Ifrah", "Hamdi",
]);
pub(crate) const SOMALI_FAMILY: Pool = Pool::Latin(&[
    "Mohamed", "Ali", "Hassan", "Abdi", "Warsame", "Farah", "Jama", "Hussein", "Osman", "Aden",
    "Egal", "Nur", "Ismail", "Yusuf", "Dahir", "Guled",
]);

// Albanian.
pub(crate) const ALBANIAN_MALE: Pool = Pool::Latin(&[
    "Arben", "Besnik", "Dritan", "Ermal", "Gentian", "Klodian", "Fatjon", "Erion", "Endrit",
    "Arlind", "Mario", "Kristi", "Elvis", "Julian", "Ardit", "Renaldo", "Denis", "Eraldo",
]);
pub(crate) const ALBANIAN_FEMALE: Pool = Pool::Latin(&[
    "Elira", "Anjeza", "Ermira", "Klea", "Megi", "Xhesika", "Alketa", "Blerta", "Jonida", "Dorina",
    "Erisa", "Sindi",
]);
pub(crate) const ALBANIA_FAMILY: Pool = Pool::Latin(&[
    "Hoxha", "Shehu", "Gjoka", "Leka", "Marku", "Kola", "Dervishi", "Bregu", "Cela", "Prifti",
    "Gashi", "Lika", "Hasani", "Toska", "Xhafa", "Basha", "Muça", "Dushku",
]);

// Vietnamese: the given name field holds the middle and given names, as practices register them.
pub(crate) const VIETNAMESE_MALE: Pool = Pool::Latin(&[
    "Văn Hùng",
    "Minh Tuấn",
    "Đức Anh",
    "Quang Huy",
    "Văn Nam",
    "Thành Long",
    "Hoàng Nam",
    "Văn Đức",
    "Tiến Dũng",
    "Minh Quân",
    "Văn Thắng",
    "Hữu Phước",
]);
pub(crate) const VIETNAMESE_FEMALE: Pool = Pool::Latin(&[
    "Thị Lan",
    "Thị Hương",
    "Ngọc Anh",
    "Thu Trang",
    "Thị Mai",
    "Thanh Hằng",
    "Phương Linh",
    "Thị Hoa",
    "Thị Ngọc",
    "Thu Hà",
]);
pub(crate) const VIETNAM_FAMILY: Pool = Pool::Latin(&[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương",
]);

// French (Democratic Republic of the Congo).
pub(crate) const CONGO_MALE: Pool = Pool::Latin(&[
    "Jean-Pierre",
    "Patrick",
    "Christian",
    "Serge",
    "Junior",
    "Trésor",
    "Glody",
    "Christophe",
    "Héritier",
    "Patient",
    "Dieudonné",
    "Fiston",
    "Blaise",
    "Arsène",
]);
pub(crate) const CONGO_FEMALE: Pool = Pool::Latin(&[
    "Grâce",
    "Marie",
    "Chantal",
    "Esther",
    "Nadège",
    "Divine",
    "Sarah",
    "Bénédicte",
    "Merveille",
    "Ruth",
    "Gloire",
    "Nathalie",
]);
pub(crate) const CONGO_FAMILY: Pool = Pool::Latin(&[
    "Mbuyi",
    "Ilunga",
    "Mukendi",
    "Kalala",
    "Tshibangu",
    "Kabongo",
    "Lukusa",
    "Mutombo",
    "Nsimba",
    "Mbala",
    "Kasongo",
    "Lumbala",
    "Makiese",
    "Ngoy",
    "Mwamba",
]);

// English speakers (Nigeria, Zimbabwe).
pub(crate) const NIGERIA_MALE: Pool = Pool::Latin(&[
    "Chinedu",
    "Emeka",
    "Oluwaseun",
    "Tunde",
    "Ifeanyi",
    "Samuel",
    "Daniel",
    "Chukwuemeka",
    "Babatunde",
    "Femi",
    "Kelechi",
    "Segun",
]);
pub(crate) const NIGERIA_FEMALE: Pool = Pool::Latin(&[
    "Ngozi",
    "Chiamaka",
    "Folake",
    "Blessing",
    "Funmilayo",
    "Adaeze",
    "Temitope",
    "Precious",
    "Joy",
    "Esther",
    "Abimbola",
    "Nneka",
]);
pub(crate) const NIGERIA_FAMILY: Pool = Pool::Latin(&[
    "Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Adebayo", "Ogunleye", "Uche",
    "Obi", "Afolabi", "Okoro", "Ibrahim", "Bello",
]);
pub(crate) const ZIMBABWE_MALE: Pool = Pool::Latin(&[
    "Tendai",
    "Tatenda",
    "Farai",
    "Tinashe",
    "Takudzwa",
    "Blessing",
    "Simba",
    "Kudakwashe",
    "Tafadzwa",
    "Munyaradzi",
]);
pub(crate) const ZIMBABWE_FEMALE: Pool = Pool::Latin(&[
    "Rutendo",
    "Chipo",
    "Nyasha",
    "Tsitsi",
    "Rumbidzai",
    "Vimbai",
    "Memory",
    "Tariro",
    "Fadzai",
    "Ropafadzo",
]);
pub(crate) const ZIMBABWE_FAMILY: Pool = Pool::Latin(&[
    "Moyo", "Ncube", "Sibanda", "Dube", "Chikore", "Mutasa", "Ndlovu", "Mpofu", "Mlambo", "Marufu",
    "Chiweshe", "Gumbo",
]);
