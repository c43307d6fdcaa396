"""Word lists for seed_volume: common Swedish names and the words Skåne's cultural bodies use."""

FIRST_NAMES = [
    # Common in Sweden across generations, with the names of newer Swedes beside them.
    "Anna", "Eva", "Maria", "Karin", "Sara", "Christina", "Lena", "Emma", "Kerstin", "Marie",
    "Malin", "Ingrid", "Linda", "Birgitta", "Sofia", "Elin", "Johanna", "Annika", "Susanne",
    "Hanna", "Ulla", "Camilla", "Ida", "Jenny", "Helena", "Elisabeth", "Katarina", "Monica",
    "Julia", "Anneli", "Åsa", "Ebba", "Frida", "Matilda", "Ellen", "Alice", "Maja", "Astrid",
    "Selma", "Signe", "Agnes", "Wilma", "Klara", "Amira", "Leyla", "Fatima", "Yasmin", "Nour",
    "Mona", "Gunilla", "Margareta", "Pia", "Cecilia", "Therese", "Jessica", "Louise", "Petra",
    "Lars", "Mikael", "Anders", "Johan", "Per", "Erik", "Karl", "Peter", "Thomas", "Jan",
    "Daniel", "Fredrik", "Hans", "Andreas", "Stefan", "Mats", "Magnus", "Mattias", "Jonas",
    "Niklas", "Marcus", "Henrik", "Björn", "Martin", "Ola", "Gustav", "Oscar", "William",
    "Hugo", "Axel", "Elias", "Olof", "Sven", "Nils", "Bengt", "Gunnar", "Göran", "Leif",
    "Håkan", "Ulf", "Kjell", "Torbjörn", "Jesper", "Rasmus", "Emil", "Viktor", "Linus",
    "Ahmed", "Ali", "Omar", "Mohammed", "Hassan", "Dragan", "Mehmet", "Tobias", "Jakob",
    "Sebastian", "Joakim", "Patrik", "Robert", "Claes", "Jörgen", "Pär", "Truls", "Måns",
]  # fmt: skip

LAST_NAMES = [
    # The -son names dominate Skåne, as they do the rest of Sweden.
    "Nilsson", "Persson", "Andersson", "Olsson", "Larsson", "Hansson", "Jönsson", "Johansson",
    "Svensson", "Karlsson", "Mårtensson", "Pålsson", "Ohlsson", "Jeppsson", "Håkansson",
    "Nordström", "Lindberg", "Lindqvist", "Lindgren", "Lindström", "Bergström", "Lundberg",
    "Lundgren", "Lundqvist", "Berglund", "Sandberg", "Sjöberg", "Holm", "Berg", "Lund",
    "Ek", "Björk", "Bergman", "Holmberg", "Nyström", "Söderberg", "Åberg", "Ekström",
    "Hedlund", "Sundberg", "Dahlberg", "Wallin", "Engström", "Eklund", "Blomqvist",
    "Mattsson", "Månsson", "Truedsson", "Ingvarsson", "Bengtsson", "Gustafsson", "Pettersson",
    "Jakobsson", "Magnusson", "Olofsson", "Axelsson", "Fredriksson", "Henriksson", "Danielsson",
    "Isaksson", "Claesson", "Eliasson", "Nyberg", "Ljung", "Wästfelt", "Ahlgren", "Rosén",
    "Strand", "Falk", "Hallberg", "Wikström", "Ali", "Ahmed", "Hassan", "Mohamed", "Yilmaz",
    "Kovačević", "Nowak", "Hodžić", "Nguyen", "Abdi", "Khalil", "Rahimi", "Jensen", "Hansen",
]  # fmt: skip

# Places in Skåne beyond the municipal seats, for the names of local associations.
PLACES = [
    "Österlen", "Söderåsen", "Kullabygden", "Bjärehalvön", "Linderödsåsen", "Romeleåsen",
    "Göinge", "Vombsjön", "Skanör", "Falsterbo", "Löderup", "Kivik", "Brösarp", "Mölle",
    "Arild", "Torekov", "Bästekille", "Dalby", "Veberöd", "Genarp", "Södra Sandby",
    "Åhus", "Tollarp", "Knislinge", "Tyringe", "Vittsjö", "Billesholm", "Ekeby", "Ljungbyhed",
    "Rydebäck", "Furulund", "Löddeköpinge", "Skivarp", "Rydsgård", "Anderslöv", "Smygehamn",
]  # fmt: skip

# Words that name ensembles, galleries and groups.
WORDS = [
    "Kollektivet", "Scenen", "Ljuset", "Vågen", "Spegeln", "Ekot", "Rummet", "Tråden", "Bron",
    "Fyren", "Tornet", "Stjärnan", "Labyrinten", "Gnistan", "Kajen", "Ankaret", "Horisonten",
    "Pulsen", "Rösten", "Verkstaden", "Klangen", "Ateljén", "Nyckeln", "Lyktan", "Vinden",
    "Rötterna", "Kompassen", "Mosaiken", "Väven", "Glöden", "Ridån", "Paletten", "Trappan",
    "Korsvägen", "Ugglan", "Tranan",
]  # fmt: skip

ORGANISATION_TEMPLATES = {
    # {muni}: a municipality, {official}: its official name ("Lunds kommun"); {place}: a
    # village or landscape; {place_genitive}, {muni_genitive}: their genitives; {word}: a name
    # word; {last}: a surname.
    # Kinds with only a few real bodies have fixed lists instead (FIXED_NAMES).
    "municipal": [
        "{official}, kulturförvaltningen",
        "{official}, kultur- och fritidsförvaltningen",
        "Kulturskolan i {muni}",
        "Biblioteken i {muni}",
        "{muni_genitive} konsthall",
        "Kulturhuset i {muni}",
        "Fritidsgårdarna i {muni}",
    ],
    "institution": [
        "{muni_genitive} museum",
        "{muni_genitive} teater",
        "{muni_genitive} konstmuseum",
        "{place} kulturmiljöcentrum",
        "Musikhuset i {muni}",
        "{muni_genitive} stadsarkiv",
        "Hemslöjden i {place}",
        "Biografen {word}",
        "Litteraturhuset i {muni}",
    ],
    "interest": [
        "Riksteatern {muni}",
        "Konstnärsföreningen i {muni}",
        "Hembygdsförbundet {place}",
        "Amatörteaterns förening {muni}",
        "Unga Musik {muni}",
        "Författarcentrum {place}",
        "Föreningen Skånska dansare, {muni}",
    ],
    "independent": [
        "Teatergruppen {word}",
        "Dansensemblen {word}",
        "Ateljé {word}",
        "{word} produktion",
        "{last} Film & Ljud AB",
        "Kammarensemblen {word} i {muni}",
        "Cirkus {word}",
        "Konstnärskollektivet {word}",
        "{last}s Förlag",
    ],
    "folkbildning": [
        "ABF {muni}",
        "Studieförbundet Vuxenskolan {muni}",
        "Studiefrämjandet {muni}",
        "Sensus {muni}",
        "Bilda {muni}",
        "Medborgarskolan {muni}",
        "Folkuniversitetet {muni}",
        "Kulturens bildningsverksamhet {muni}",
        "Ibn Rushd {muni}",
        "{place} folkhögskola",
    ],
    "civil_society": [
        "{place_genitive} hembygdsförening",
        "{muni_genitive} hembygdsförening",
        "Kulturföreningen {word}",
        "Konstföreningen {word} i {muni}",
        "{place} spelmanslag",
        "{muni_genitive} manskör",
        "Kören {word}",
        "Föreningen {word} i {place}",
        "Filmklubben {word}",
        "Bygdegårdsföreningen {place}",
        "Litteraturföreningen {word}",
    ],
}

FIXED_NAMES = {
    "region": [
        "Region Skåne, kulturförvaltningen",
        "Region Skåne, Kultur Skåne",
        "Region Skåne, regionarkivet",
        "Region Skåne, Skånes arkivförbund",
        "Region Skåne, enheten för barn- och ungkultur",
    ],
    "skanes_kommuner": [
        "Familjen Helsingborg",
        "MalmöLundregionen",
        "Skåne Nordost",
        "Sydöstra Skånes samarbetskommitté",
    ],
    "omradeskollegium": [
        "Litteraturkollegiet",
        "Filmkollegiet",
        "Musikkollegiet",
        "Hemslöjdskollegiet",
        "Arkivkollegiet",
        "Kollegiet för barn- och ungkultur",
        "Kollegiet för kulturmiljö",
        "Kollegiet för konst i offentlig miljö",
    ],
    "state_agency": [
        "Statens kulturråd",
        "Riksantikvarieämbetet",
        "Konstnärsnämnden",
        "Statens musikverk",
        "Svenska Filminstitutet",
        "Kungliga biblioteket",
        "Riksarkivet, Landsarkivet i Lund",
        "Myndigheten för kulturanalys",
        "Institutet för språk och folkminnen",
        "Statens konstråd",
        "Myndigheten för delaktighet",
        "Myndigheten för ungdoms- och civilsamhällesfrågor",
    ],
}

# The activity area an institution works in, by the first word here found in its name.
INSTITUTION_AREAS = {
    "konstmuseum": "bild-och-form",
    "museum": "museer-kulturmiljo",
    "kulturmiljö": "museer-kulturmiljo",
    "teater": "teater-dans-musik",
    "Musikhuset": "teater-dans-musik",
    "stadsarkiv": "arkiv",
    "Hemslöjden": "hemslojd",
    "Biografen": "film",
    "Litteraturhuset": "bibliotek-litteratur",
}
