"""Hand-labelled dilemmas for measuring the de-identification checker (dilemmas/deidentify.py).

Each sample is a short dilemma as someone at an NGO or a partner might write it, half in Dutch, half in English.
Every identifier in it is labelled by hand as (kind, exact substring); a label stands for each whole-word,
case-sensitive occurrence of the substring, except where it lies inside a longer label ("Gulu" inside
"Gulu Women's Network" is part of the organisation). People are labelled without their title ("Akello" in
"mevrouw Akello"), dates of birth without their cue. A first name on its own is labelled too: it identifies
someone in a small team, even though the checker does not look for first names.

Written to be realistic, not to suit the checker: the names of people and organisations are made up (any likeness
is chance), places are real. The samples also hold things that must NOT be flagged: amounts (€ 12.500,
UGX 2,000,000), years, case references (2026-0014), dates of meetings, nine-digit numbers that fail the elfproef,
countries (Mali, Kenia), the Swahili word "mali" (property), and organisation names used as ordinary words
("een ander fonds").
"""

from dataclasses import dataclass, field

# The names Samen knows: users' display names and organisation names, as a view would pass them.
KNOWN_PEOPLE = (
    "Jan de Vries",
    "Sanne Bakker",
    "Pieter van der Meer",
    "Marieke Hoekstra",
    "Femke Visser",
    "Ruud ter Horst",
    "Grace Achieng Okello",
    "Moses Lokwang",
    "Tigist Bekele",
    "Dawit Haile",
    "Aminata Traoré",
    "Ousmane Sawadogo",
    "Ram Bahadur Thapa",
    "Sita Gurung",
    "Nasrin Akter",
    "Carlos Mejía",
    "Ahmad Karimi",
    "Lina Haddad",
    "Peter Ouma",
    "Esther Wanjiru",
)
KNOWN_ORGANISATIONS = (
    "Hulp Zonder Grenzen",
    "Ander Fonds",
    "Stichting Waterwerk",
    "Gulu Women's Network (GWN)",
    "Addis Hope Development Association",
    "Kathmandu Valley Supplies",
    "Terre Commune",
    "Stichting Kindervreugde",
    "Nuru Youth Initiative",
    "Fundación Tierra Viva",
    "Sahel Solidarité",
    "Bangla Shikkha Trust",
)


@dataclass(frozen=True)
class Sample:
    language: str
    text: str
    labels: tuple[tuple[str, str], ...] = field(default=())


SAMPLES = (
    # ---- Dutch -------------------------------------------------------------------------------------------------
    Sample(
        "nl",
        "Tijdens het veldbezoek in Gulu vertelde onze coördinator Moses Lokwang dat de penningmeester van Gulu "
        "Women's Network, mevrouw Akello, facturen van een leverancier in Lira had goedgekeurd die nooit iets "
        "geleverd had. Het ging om € 12.500 uit het budget van 2025. Moses vroeg of hij dit moest melden bij Hulp "
        "Zonder Grenzen of eerst zelf met haar moest praten.",
        (
            ("place", "Gulu"),
            ("person", "Moses Lokwang"),
            ("organisation", "Gulu Women's Network"),
            ("person", "Akello"),
            ("place", "Lira"),
            ("person", "Moses"),
            ("organisation", "Hulp Zonder Grenzen"),
        ),
    ),
    Sample(
        "nl",
        "Een financieel medewerker bij Addis Hope Development Association in Addis Ababa meldde dat ETB 450.000 "
        "was overgemaakt naar een privérekening, NL44 RABO 0123 4567 89, die op naam stond van de broer van de "
        "directeur. De directeur, Dawit Haile, zei dat het om een lening ging die in maart 2026 zou worden "
        "terugbetaald. Zaaknummer 2026-0014.",
        (
            ("organisation", "Addis Hope Development Association"),
            ("place", "Addis Ababa"),
            ("iban", "NL44 RABO 0123 4567 89"),
            ("person", "Dawit Haile"),
        ),
    ),
    Sample(
        "nl",
        "Onze inkoper kreeg een e-mail van ram.thapa@kvsupplies.com.np met het aanbod om 10% van de orderwaarde "
        "'terug te geven' als wij Kathmandu Valley Supplies opnieuw zouden kiezen. Daarna belde de leverancier ook "
        "nog vanaf +977 98 0123 4567. Mogen we hem nog gebruiken voor de noodhulp in Sindhupalchok?",
        (
            ("email", "ram.thapa@kvsupplies.com.np"),
            ("organisation", "Kathmandu Valley Supplies"),
            ("phone", "+977 98 0123 4567"),
            ("place", "Sindhupalchok"),
        ),
    ),
    Sample(
        "nl",
        "Een partnerorganisatie vraagt ons de eindrapportage een maand later in te leveren, omdat de accountant ziek "
        "is. Tegelijk weten we dat er onregelmatigheden zijn geweest bij de aankoop van zaden. Als we uitstel geven, "
        "lijkt het alsof we iets door de vingers zien. Als we weigeren, zetten we de relatie onder druk. Het gaat om "
        "een subsidie van € 85.000 voor de periode 2024-2026.",
    ),
    Sample(
        "nl",
        "Bij de screening van een nieuwe vrijwilliger voor het kinderproject stuurde de coördinator per ongeluk een "
        "kopie van het paspoort mee naar de partner. Daarop stonden het BSN 628194821 en de geboortedatum "
        "14-07-1992. De vrijwilliger, Femke Visser, woont in Zwolle en is boos. Moeten we dit als datalek melden?",
        (
            ("bsn", "628194821"),
            ("birth_date", "14-07-1992"),
            ("person", "Femke Visser"),
            ("place", "Zwolle"),
        ),
    ),
    Sample(
        "nl",
        "In Mali werkt een partner met lokale comités die zelf bepalen wie voedselpakketten krijgt. Op de "
        "vergadering van 3 februari 2026 bleek dat familieleden van comitéleden vaker op de lijst stonden: ongeveer "
        "140 van de 1.200 huishoudens. De partner wil geen onderzoek, omdat dat de comités zou beschadigen. "
        "Projectcode 123456789, referentie 2026-0031.",
    ),
    Sample(
        "nl",
        "Ander Fonds heeft ons gevraagd gegevens over een klacht te delen. De klager wil anoniem blijven. Wij vinden "
        "dat een ander fonds geen recht heeft op die gegevens, maar Ander Fonds betaalt 40% van het project in "
        "Bobo-Dioulasso. Sanne Bakker van ons team twijfelt: delen we een samenvatting zonder namen?",
        (
            ("organisation", "Ander Fonds"),
            ("place", "Bobo-Dioulasso"),
            ("person", "Sanne Bakker"),
        ),
    ),
    Sample(
        "nl",
        "Dhr. van den Broek, bestuurslid van een partnerorganisatie in Kampala, heeft volgens twee medewerkers zijn "
        "neef aangenomen als chauffeur, zonder sollicitatieprocedure. Mevrouw Nakato, de programmamanager, durft er "
        "niets van te zeggen. Onze landencoördinator Pieter van der Meer hoorde het van haar op 12 januari tijdens "
        "een kop koffie. Wat moet Pieter doen?",
        (
            ("person", "van den Broek"),
            ("place", "Kampala"),
            ("person", "Nakato"),
            ("person", "Pieter van der Meer"),
            ("person", "Pieter"),
        ),
    ),
    Sample(
        "nl",
        "Een collega kreeg op haar privénummer 06-43218765 berichten van een medewerker van een partner in Goma, met "
        "het verzoek om een 'bijdrage' voor het regelen van een vergunning. Zij heeft op 4 maart van 09.00-10.00 "
        "uur met de integriteitscoördinator gesproken. Het kantoor van de partner is te bereiken op +243 81 234 5678.",
        (
            ("phone", "06-43218765"),
            ("place", "Goma"),
            ("phone", "+243 81 234 5678"),
        ),
    ),
    Sample(
        "nl",
        "Op de website www.gwn-uganda.org staat nog steeds een foto van een meisje dat slachtoffer was van misbruik, "
        "met haar voornaam erbij. GWN zegt dat de ouders toestemming gaven. Onze communicatieafdeling twijfelt of we "
        "de partner hierop moeten aanspreken, want de foto staat ook in ons eigen jaarverslag van 2024.",
        (
            ("url", "www.gwn-uganda.org"),
            ("organisation", "GWN"),
        ),
    ),
    Sample(
        "nl",
        "In een personeelsdossier dat de partner ons stuurde voor een audit staat: 'Achieng Atieno, geboren op "
        "2 september 1989 in Kisumu, weduwe, twee kinderen'. De auditor had alleen een overzicht van de salarissen "
        "nodig. Moeten we de partner wijzen op de AVG, terwijl die in Kenia niet geldt?",
        (
            ("person", "Achieng Atieno"),
            ("birth_date", "2 september 1989"),
            ("place", "Kisumu"),
        ),
    ),
    Sample(
        "nl",
        "Het verslag van de monitoringreis is ondertekend door J. de Vries, maar volgens de partner was hij in die "
        "week helemaal niet in Juba. De bevindingen lijken gekopieerd uit het verslag van vorig jaar. Zijn "
        "leidinggevende, Marieke Hoekstra, wil het eerst informeel met hem bespreken.",
        (
            ("person", "J. de Vries"),
            ("place", "Juba"),
            ("person", "Marieke Hoekstra"),
        ),
    ),
    Sample(
        "nl",
        "Een medewerker van Nuru Youth Initiative schreef ons vanaf esther.wanjiru@gmail.com dat de directeur de "
        "motorfietsen van het project 'mali ya shirika' noemt, maar ze in het weekend voor zijn taxibedrijf "
        "gebruikt. Ze vraagt of wij haar naam geheim kunnen houden. De partner krijgt dit jaar KES 3.200.000 van ons.",
        (
            ("organisation", "Nuru Youth Initiative"),
            ("email", "esther.wanjiru@gmail.com"),
        ),
    ),
    Sample(
        "nl",
        "Bij een steekproef in de administratie van Stichting Kindervreugde vonden we een spreadsheet met gegevens "
        "van pleeggezinnen, onder meer burgerservicenummer 37167868 en telefoonnummers. Het bestand stond op een "
        "gedeelde schijf waar ook vrijwilligers bij kunnen. De stichting heeft 12 vrijwilligers en € 250.000 budget.",
        (
            ("organisation", "Stichting Kindervreugde"),
            ("bsn", "37167868"),
        ),
    ),
    Sample(
        "nl",
        "Een jongen uit het opvanghuis in Mbale vertelde een bezoeker dat een begeleider, die Okot Simon heet, hem "
        "geld gaf in ruil voor 'klusjes' bij hem thuis. De bezoeker, een vrijwilliger genaamd Lotte Kramer, heeft dit "
        "pas na drie weken aan ons doorgegeven. De partner zegt dat de begeleider al vertrokken is.",
        (
            ("place", "Mbale"),
            ("person", "Okot Simon"),
            ("person", "Lotte Kramer"),
        ),
    ),
    Sample(
        "nl",
        "De vertrouwenspersoon van ons kantoor in Utrecht kreeg een anonieme brief over de directeur van een partner "
        "in Mopti. Later belde iemand vanaf 030-2345678 met aanvullende informatie, maar hing op toen naar een naam "
        "werd gevraagd. Het bestuur wil weten of de brief serieus moet worden genomen.",
        (
            ("place", "Utrecht"),
            ("place", "Mopti"),
            ("phone", "030-2345678"),
        ),
    ),
    Sample(
        "nl",
        "Waterwerk heeft met Terre Commune in Ségou waterpunten aangelegd. Een aannemer bood een lid van het "
        "selectiecomité een motorfiets aan. Ousmane Sawadogo van Terre Commune weigerde, maar hoorde later dat een "
        "collega het aanbod wel had aangenomen. De aannemer is familie van de burgemeester.",
        (
            ("organisation", "Waterwerk"),
            ("organisation", "Terre Commune"),
            ("place", "Ségou"),
            ("person", "Ousmane Sawadogo"),
        ),
    ),
    Sample(
        "nl",
        "De boekhouder van een partner in Bukavu vroeg of de laatste tranche van $ 18.000 naar een andere rekening "
        "kon: BE68539007547034, bij een bank in Brussel. Het verzoek kwam per WhatsApp van +32 470 12 34 56, niet "
        "vanaf het gebruikelijke nummer. Is dit fraude of een slordige partner?",
        (
            ("place", "Bukavu"),
            ("iban", "BE68539007547034"),
            ("place", "Brussel"),
            ("phone", "+32 470 12 34 56"),
        ),
    ),
    Sample(
        "nl",
        "In de klacht staat: 'De heer K. Mensah (geb. 12-03-1987), woonachtig in Den Haag, bedreigde mij na de "
        "vergadering.' De klager vraagt ons de klacht door te sturen naar de partner in Accra, maar wil niet dat "
        "haar telefoonnummer 06 1234 5678 wordt gedeeld.",
        (
            ("person", "K. Mensah"),
            ("birth_date", "12-03-1987"),
            ("place", "Den Haag"),
            ("place", "Accra"),
            ("phone", "06 1234 5678"),
        ),
    ),
    Sample(
        "nl",
        "Het project heet Veilig Thuis en loopt in drie dorpen. De bouwmaterialen komen van een lokale leverancier, "
        "Kisumu Hardware Ltd, waarvan de eigenaar de zwager van de projectleider blijkt te zijn. Niemand heeft dat "
        "gemeld, maar iedereen in het dorp weet het. Moeten we de leverancier vervangen als de prijzen goed zijn?",
        (("organisation", "Kisumu Hardware Ltd"),),
    ),
    # ---- English -----------------------------------------------------------------------------------------------
    Sample(
        "en",
        "Our field coordinator in Gulu, Grace Achieng Okello, was approached by Mr Odongo, a sub-county official, "
        "who asked for UGX 2,000,000 to 'speed up' the land permit for the new borehole. When she refused, he "
        "called her twice from 0772 123456 and said the project would be 'reviewed'. Grace has asked whether she "
        "should report this to the district or wait.",
        (
            ("place", "Gulu"),
            ("person", "Grace Achieng Okello"),
            ("person", "Odongo"),
            ("phone", "0772 123456"),
            ("person", "Grace"),
        ),
    ),
    Sample(
        "en",
        "A finance officer at our partner in Addis noticed that per diems for a training in Bahir Dar were paid to "
        "42 participants, while the attendance list has 29 signatures. The training was led by Dr. Tesfaye Alemu. "
        "The finance officer, Tigist Bekele, sent the lists from tigist.b@addishope.org.et and asked us not to "
        "forward her name to her director.",
        (
            ("place", "Addis"),
            ("place", "Bahir Dar"),
            ("person", "Tesfaye Alemu"),
            ("person", "Tigist Bekele"),
            ("email", "tigist.b@addishope.org.et"),
        ),
    ),
    Sample(
        "en",
        "A supplier in Kathmandu offered our procurement officer a free trip to Pokhara after winning the tender for "
        "300 water filters. The tender was worth USD 24,500 and was awarded on 14 March 2026, reference "
        "NP-2026-0142. The officer declined but did not report the offer until six weeks later.",
        (
            ("place", "Kathmandu"),
            ("place", "Pokhara"),
        ),
    ),
    Sample(
        "en",
        "Our partner organisation wants to hire the daughter of a board member as a project assistant. She is "
        "qualified and was the best of the three candidates. Staff say the recruitment was fair, but beneficiaries "
        "may see it differently. May our policy on conflicts of interest apply to their hiring, since the position "
        "is paid from our grant?",
    ),
    Sample(
        "en",
        "While preparing the safeguarding training list, a volunteer shared a spreadsheet with the partner in Juba "
        "that included each participant's date of birth (e.g. 03/11/1995), phone number and home village. One of "
        "the participants, Peter Ouma, is a survivor who had asked us never to share his details. Do we tell him?",
        (
            ("place", "Juba"),
            ("birth_date", "03/11/1995"),
            ("person", "Peter Ouma"),
        ),
    ),
    Sample(
        "en",
        "The director of a partner in Amman asked us to pay the next instalment to a new account, "
        "JO94 CBJO 0010 0000 0000 0131 0003 02, because their usual bank had 'problems'. The account is in the "
        "name of a company we do not know. Our grants officer, Lina Haddad, wants to pay on time: salaries are due.",
        (
            ("place", "Amman"),
            ("iban", "JO94 CBJO 0010 0000 0000 0131 0003 02"),
            ("person", "Lina Haddad"),
        ),
    ),
    Sample(
        "en",
        "During a community meeting in Cox's Bazar, a woman told our protection officer that a volunteer called "
        "Abdul Karim asked for money to put families on the distribution list. Another volunteer named Rashida "
        "confirmed it. Our partner, Bangla Shikkha Trust, says it has no volunteer by that name.",
        (
            ("place", "Cox's Bazar"),
            ("person", "Abdul Karim"),
            ("person", "Rashida"),
            ("organisation", "Bangla Shikkha Trust"),
        ),
    ),
    Sample(
        "en",
        "An anonymous message came through our whistleblowing form saying that the country director of a partner in "
        "Kenya uses project vehicles for his private farm near Nakuru. The message gave a contact, +254 722 987 654, "
        "and a link to photos at https://photos.example.com/album/8812. Our team could not verify the sender.",
        (
            ("place", "Nakuru"),
            ("phone", "+254 722 987 654"),
            ("url", "https://photos.example.com/album/8812"),
        ),
    ),
    Sample(
        "en",
        "Ruud ter Horst, our programme manager for the Sahel, learned that a driver of Sahel Solidarité in Niamey "
        "had been carrying goods for a trader in return for fuel. Ter Horst wants to end the partnership; his "
        "colleagues think a warning is enough, because the partner is the only one with access to Tillabéri.",
        (
            ("person", "Ruud ter Horst"),
            ("organisation", "Sahel Solidarité"),
            ("place", "Niamey"),
            ("person", "Ter Horst"),
            ("place", "Tillabéri"),
        ),
    ),
    Sample(
        "en",
        "A Dutch staff member seconded to our partner in Erbil shared a scan of her residence permit with the "
        "partner's HR officer, including her citizen service number 252 760 189. The HR officer later posted it in "
        "a WhatsApp group by mistake. She is upset and asks what we will do.",
        (
            ("place", "Erbil"),
            ("bsn", "252 760 189"),
        ),
    ),
    Sample(
        "en",
        "In the reports from our partner the Swahili word 'mali' keeps coming up: staff say that mali ya mradi "
        "(project property) is treated as the chairman's own. We saw the same pattern in our Mali programme in 2023 "
        "and spent € 4.300 on an external review. No one has been named yet.",
    ),
    Sample(
        "en",
        "Fundación Tierra Viva in Quibdó asked us to co-sign a letter to the mayor defending a community leader who "
        "is under investigation for misusing funds. Carlos Mejía, their coordinator, says the accusations are "
        "politically motivated. If we sign, we take sides; if we don't, Tierra Viva may feel abandoned.",
        (
            ("organisation", "Fundación Tierra Viva"),
            ("place", "Quibdó"),
            ("person", "Carlos Mejía"),
            ("organisation", "Tierra Viva"),
        ),
    ),
    Sample(
        "en",
        "Our partner in Kinshasa wants to enrol a girl in the sponsorship programme who, according to her birth "
        "certificate, was born on 21 June 2009, but staff believe she is older and already married. The girl, "
        "Esther, lives in a shelter run by the partner. Should we accept the certificate?",
        (
            ("place", "Kinshasa"),
            ("birth_date", "21 June 2009"),
            ("person", "Esther"),
        ),
    ),
    Sample(
        "en",
        "Pastor Emmanuel Ssali, who chairs the board of a partner in Masaka, asked our country office to hire his "
        "son as an accountant. When the HR officer, Ms Namutebi, said the post would be advertised, the pastor "
        "complained to our director in The Hague.",
        (
            ("person", "Emmanuel Ssali"),
            ("place", "Masaka"),
            ("person", "Namutebi"),
            ("place", "The Hague"),
        ),
    ),
    Sample(
        "en",
        "Between January and March our partner in Dhaka made 1,245 cash transfers of BDT 4,500 each. An internal "
        "check flagged 87 transfers to phone numbers that appeared more than three times. The audit reference is "
        "2026-0007, the grant number 311245789, and the final report is due on 30-06-2026.",
        (("place", "Dhaka"),),
    ),
    Sample(
        "en",
        "Ahmad Karimi of our Kabul office reported that a partner staff member was forced to pay part of her salary "
        "to her supervisor. Karimi heard it from a colleague, not from the woman herself. He wonders whether to "
        "inform Hulp Zonder Grenzen's integrity officer or to speak to the partner first.",
        (
            ("person", "Ahmad Karimi"),
            ("place", "Kabul"),
            ("person", "Karimi"),
            ("organisation", "Hulp Zonder Grenzen"),
        ),
    ),
    Sample(
        "en",
        "Minutes of the steering committee, 5 February 2026. Present: Mrs Aminata Traoré (chair), Mr. Bakary "
        "Coulibaly and a representative of Terre Commune. Mr. Coulibaly declared a conflict of interest: his "
        "brother-in-law bids for building the health post in Kayes. Contact: secretariat@terrecommune.ml, "
        "+223 76 12 34 56.",
        (
            ("person", "Aminata Traoré"),
            ("person", "Bakary Coulibaly"),
            ("organisation", "Terre Commune"),
            ("person", "Coulibaly"),
            ("place", "Kayes"),
            ("email", "secretariat@terrecommune.ml"),
            ("phone", "+223 76 12 34 56"),
        ),
    ),
    Sample(
        "en",
        "A volunteer from our Utrecht office posted on LinkedIn about a visit to a partner's shelter in Beirut, with "
        "photos of children. The post links to hulpzondergrenzen.nl and tags the shelter's manager, Nour El-Hassan. "
        "The partner asks us to remove it; the volunteer says no faces are visible.",
        (
            ("place", "Utrecht"),
            ("place", "Beirut"),
            ("url", "hulpzondergrenzen.nl"),
            ("person", "Nour El-Hassan"),
        ),
    ),
    Sample(
        "en",
        "The registration form of the youth programme asks for name, DOB 2007-11-30 and school. A partner in Dire "
        "Dawa scanned all 300 forms into a shared folder at http://drive.example.net/youth without a password. The "
        "project ends in 2027.",
        (
            ("birth_date", "2007-11-30"),
            ("place", "Dire Dawa"),
            ("url", "http://drive.example.net/youth"),
        ),
    ),
    Sample(
        "en",
        "The partner's programme called Safe Schools runs in 14 schools around Moroto. A teacher told our monitoring "
        "officer that the head teacher keeps the girls' sanitary pads in his office and hands them out as favours. "
        "'Dear Sir or Madam,' she wrote, 'please do not tell the school that I reported this.'",
        (("place", "Moroto"),),
    ),
    Sample(
        "en",
        "Dear colleagues, at the partners' day in Nairobi the director of Amani Community Trust told us that an "
        "auditor we hired asked him for a 'consultancy fee' to close the audit without findings. He says he has a "
        "recording. Kind regards, Sister Mary Atim, St. Jude Children's Home",
        (
            ("place", "Nairobi"),
            ("organisation", "Amani Community Trust"),
            ("person", "Mary Atim"),
            ("organisation", "St. Jude Children's Home"),
        ),
    ),
)
