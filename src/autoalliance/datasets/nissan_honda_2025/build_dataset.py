# ruff: noqa: E501
"""Build the nissan_honda_2025 CSVs (all tables except measures.csv).

This helper only writes the CSVs from the values and citations below, so that
derived numbers (residuals, shares, ratios) are computed once and shown.
The CSVs are the data; every row carries its `source` and/or `assumption`.
Run:  .venv/bin/python src/autoalliance/datasets/nissan_honda_2025/build_dataset.py
"""
from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEARS = list(range(2025, 2031))

# --------------------------------------------------------------------------
# Citations (title + URL, from /work/shared/research/*.md or the search tool)
# --------------------------------------------------------------------------
S = {
    # footprint.md
    "F_S1": "Automotive World, 'Nissan Smyrna plant achieves 15 millionth vehicle production milestone' (2024-03-27) https://www.automotiveworld.com/news-releases/nissan-smyrna-plant-achieves-15-millionth-vehicle-production-milestone/",
    "F_S2": "CBT News, 'Nissan plans to maximize production in response to tariffs' https://www.cbtnews.com/nissan-plans-to-maximize-production-in-response-to-tariffs/",
    "F_S4": "TFLcar, 'Nissan boosting US production to avoid tariffs' (Apr 2025) https://tflcar.com/2025/04/nissan-boosting-us-production-to-avoid-tariffs-news/",
    "F_S5": "SlashGear, Nissan/Infiniti shared parts and factories (2025-04-29) https://www.slashgear.com/1841366/nissan-infiniti-cars-same-parts-factory-compatibility-explained/",
    "F_S7": "Automotive World, 'Nissan celebrates 700,000 Murano crossovers assembled in the U.S.' (2025-06-25) https://www.automotiveworld.com/news-releases/nissan-celebrates-700000-murano-crossovers-assembled-in-the-u-s/",
    "F_S10a": "EconoTimes (Nikkei), 'Nissan to Shift Some Rogue SUV Production to US Amid Tariff Pressures' https://www.econotimes.com/Nissan-to-Shift-Some-Rogue-SUV-Production-to-US-Amid-Tariff-Pressures-1706786",
    "F_S12": "cars.app, 'The Nissan Rogue SUV is about to become much more American' (2025-04-29) https://www.cars.app/index.php/2025/04/29/the-nissan-rogue-suv-is-about-to-become-much-more-american",
    "F_S13": "Carscoops (mirror), 'Nissan Suddenly Fast-Tracks Its First American Hybrid SUV' https://gaukmotorbuzz.com/amp/news/18628",
    "F_S17": "Auto123, 'Nissan revises schedule for electric vehicles' https://www.auto123.com/en/news/nissan-revision-schedule-electric-vehicles/71521/",
    "F_S22": "Carscoops (mirror), 'Nissan may move Sentra production to the US...' (2025-05-15) http://allamericansthings.com/2025/05/15/nissan-may-move-sentra-production-to-the-us-but-youll-pay-for-it/",
    "F_S24": "Autocosmos, 'Nissan inicia la produccion del Kicks 2017' https://noticias.autocosmos.news/2016/08/29/nissan-inicia-la-produccion-del-kicks-2017",
    "F_S25": "Mexico News Daily, 'Nissan launches production of new Kicks model in Aguascalientes' (2024-09-17) https://mexiconewsdaily.com/business/nissan-2025-kicks-launches-mexico",
    "F_S27": "Terra, 'Novo Nissan Kicks 2025 tem producao iniciada em fabrica do Mexico' https://www.terra.com.br/mobilidade/carros/novo-nissan-kicks-2025-tem-producao-iniciada-em-fabrica-do-mexico,ae8d5ef3dbe565d4d7f8a6a1ea0f4db2udw6472e.html",
    "F_S29": "AutoUA (citing The Drive), Versa US production ended Dec 2025 https://autonews.autoua.net/de/60094-nissan-hat-das-gunstigste-modell-auf-dem-us-markt-aus-der-produktion-genommen.html",
    "F_S30": "Nissan Reports, 'Nissan Mexicana Opens Third Plant, Boosts Production for Sentra' https://reports.nissan-global.com/EN/?p=13557",
    "F_S31": "Expansion, 'COMPAS cierra en Aguascalientes' (2025-10-23) https://expansion.mx/empresas/2025/10/23/compas-cierra-en-aguascalientes-nissan",
    "F_S32": "'Nissan shutting down another plant, ending Infiniti SUV production' https://usatimes247.com/nissan-shutting-down-another-plant-ending-infiniti-suv-production",
    "F_S33": "Yomiuri/Reuters, 'Nissan Will Pause US Orders of Mexican-built Infiniti SUVs after Trump Tariffs' (2025-04-04) https://japannews.yomiuri.co.jp/business/companies/20250404-246918/",
    "F_S35": "AutoTalk, 'Nissan Decherd plant celebrates 10 years' https://autotalk.com/nissan-decherd-plant-celebrates-10-years-of-production-1532",
    "F_S38": "Just Auto (Reuters), 'Nissan Rogue Japan tariff' https://just-auto.com/news/nissan-rogue-japan-tariff",
    "F_S41": "Wikipedia, 'Nissan Armada' https://en.wikipedia.org/wiki/Nissan_Armada",
    "F_S42": "Seeking Alpha, 'Nissan shifts production plans over hard Brexit concerns' (Ariya at Tochigi) https://seekingalpha.com/news/3645071-nissan-shifts-production-plans-over-hard-brexit-concerns",
    "F_S43": "(secondary) 'Where each Infiniti car model is assembled' https://winenfood.com/where-each-infiniti-car-model-is-assembled",
    "F_S44": "Livedoor News (JP), Nissan pauses US-bound Ariya production https://news.livedoor.com/topics/detail/29639253/",
    "F_S45": "AutoIntell (2004), Marysville paint facility / capacity https://autointell.com/News-2004/May-2004/May-2004-2/May-12-04-p7.htm",
    "F_S47": "Reuters via Kitco, 'Honda to move Accord production to Indiana as part of EV shift' (2023-03-14) https://www.kitco.com/news/off-the-wire/2023-03-14/honda-move-accord-production-indiana-part-ev-shift",
    "F_S48": "WDTN, 'Marysville is first to build 2023 Honda Integra in the U.S.' https://www.wdtn.com/news/marysville-is-first-to-build-2023-honda-integra-in-the-u-s/",
    "F_S52": "Reliable Plant, 'Honda plant in Ohio produces its 4 millionth vehicle' https://www.reliableplant.com/Read/27224/Honda-plant-Ohio-vehicle",
    "F_S53": "Motor1, 'Acura MDX Ohio production' (2017) https://www.motor1.com/news/147282/acura-mdx-ohio-production-annoucement/",
    "F_S54": "Miami Valley Today, 'Engine plant fueled by heritage' https://miamivalleytoday.com/engine-plant-fueled-by-heritage-building-for-the-future/",
    "F_S55": "Canadian Press via New West Record, 'Honda delays $15-billion EV project..., shifts some CR-V output to U.S.' https://www.newwestrecord.ca/automotive/honda-delays-15-billion-ev-project-citing-demand-shifts-some-cr-v-output-to-us-10651560",
    "F_S56": "The Nation (Yomiuri), Greensburg plant tour (2025-05-24) https://www.nationthailand.com/blogs/business/automobile/40050406",
    "F_S57": "WRTV, 'Behind the scenes at Honda's Greensburg plant' https://www.wrtv.com/news/local-news/wrtv-goes-behind-the-scenes-at-hondas-greensburg-plant",
    "F_S59": "Japan Times, 'Honda civic tariffs' (2025-04-16) https://www.japantimes.co.jp/business/2025/04/16/honda-civic-tariffs/",
    "F_S62": "American Machinist, 'Honda plans expansion at Alabama SUV/pickup plant' (2017) http://www.americanmachinist.com/news/honda-plans-expansion-alabama-suvpickup-plant",
    "F_S64": "Alabama NewsCenter, 'Honda sees 2024 U.S. sales climbing 10%...' (2024-01-19) https://alabamanewscenter.com/2024/01/19/honda-sees-2024-u-s-sales-climbing-10-due-in-part-to-alabama-built-vehicles/page/2/",
    "F_S65": "Simcoe.com, Alliston 10-millionth vehicle (2023-05-29) https://www.simcoe.com/news/hard-work-commitment-and-dedication-honda-plant-in-alliston-celebrates-major-manufacturing-milestone/article_9785d95b-1c82-5c3f-b435-933e2cee450a.html",
    "F_S71": "Carscoops, Celaya Fit production start (2014) https://carscoops.com/?p=126852",
    "F_S73": "CCN Law, 'Honda Advances in Celaya' http://ccn-law.com/mexicanautomotive/honda-advances-in-celaya/",
    "F_S74": "(Straits Times/Reuters mirror) 'Honda to move production of hybrid Civic from Japan to US on tariffs' https://ahdathalalam.com/news-article/154934.html",
    "F_S75": "MarketScreener (Honda release 2019-09-06), 'Changes in Automobile Production Operations in Mexico' https://www.marketscreener.com/HONDA-MOTOR-CO-LTD-6492457/news/Honda-Motor-Announces-Changes-in-Automobile-Production-Operations-in-Mexico-29171033/",
    "F_S76": "News.by (Nikkei via RIA), Honda considers shifting production to US (2025-04-16) https://news.by/eng/news/v_mire/honda-considers-shifting-production-to-u-s-amid-tariff-pressures",
    "F_S79": "GM Authority, 'GM-Built Honda Prologue Outsold Every GM EV In 2024' https://gmauthority.com/blog/2025/01/gm-built-honda-prologue-outsold-every-gm-ev-in-2024/",
    "F_S80": "Vanguardia (2024-03), Prologue/ZDX at GM Ramos Arizpe https://vanguardia.com.mx/coahuila/arman-ya-en-gm-ramos-arizpe-la-suv-prologue-ev-la-primera-unidad-en-alianza-con-honda-CH11348291",
    "F_S82": "The Daily Reporter, 'Honda marks 40 years of production at Anna plant' (2025-07-24) https://www.thedailyreporteronline.com/news/2025/07/24/honda-marks-40-years-of-production-at-anna-plant",
    "F_S83": "Automotive Manufacturing Solutions, 'Honda Anna celebrates 30th anniversary' https://www.automotivemanufacturingsolutions.com/honda-anna-celebrates-30th-anniversary/34388.article",
    "F_S85": "Los Altos Town Crier review quoting Honda (TMP-O) https://www.losaltosonline.com/auto/a-car-worth-craving-latest-honda-cr-v-is-more-stylish-than-its-predecessor/article_72f830cc-3090-11ee-b2d3-cfb25c7216d5.html",
    "F_S86": "Yahoo News, 'Honda transmission plant in Georgia takes first steps to electric vehicles' https://news.yahoo.com/honda-transmission-plant-georgia-takes-234700884.html",
    "F_S88": "The Drive, 'Here's why the 2023 Honda Civic Type R will be made in Japan, not Indiana' https://thedrive.com/news/heres-why-the-2023-honda-civic-type-r-will-be-made-in-japan-not-indiana",
    "F_S91": "Vaielettrico (2025-04), Honda exports from Japan <1% of US sales https://www.vaielettrico.it/honda-civic-ibrida-produzione-dazi-trump/",
    "F_S92": "Carscoops, 'Prelude sales are up but still well below target' (Feb 2026) https://www.carscoops.com/2026/02/prelude-sales-are-up-but-still-well-below-target",
    "F_S93": "Yomiuri, 'Honda Suspends Orders of New Prelude at Some Dealerships...' (2025-10-08) https://japannews.yomiuri.co.jp/business/companies/20251008-285144/",
    "F_S96": "Automotive World, 'Nissan production, sales, and exports for May 2025' https://www.automotiveworld.com/news-releases/nissan-production-sales-and-exports-for-may-2025/",
    "F_S95": "Jalopnik, 'Nissan CEO says new models coming to US' (2025-11-18) https://www.jalopnik.com/2028697/nissan-ceo-says-new-models-coming-us/",
    "F_S113": "NY Times Post on Rogue price https://nytimespost.com/nissan-is-discontinuing-top-selling-model-despite-it-being-one-of-americas-favorite-cars/",
    "F_S114": "'Nissan Rogue Plug-In Hybrid: A Rebadged Mitsubishi' https://nanoprotec.in.ua/en/uk-uanissan-rogue-plug-in-hybrid-onovlenij-dizajn-mitsubishi-ru.html/amp",
    "F_S116": "Eric's Autos, '2025 Nissan Murano' https://ard.binge-education.com/homeandleisure/automotive/ericauto/s-3639999",
    "F_S117": "'2024 Nissan Armada gets pricier after losing base grade' https://urecomm.com/2024-nissan-armada-gets-pricier-after-losing-base-grade",
    "F_S119": "Autocar Pro, 'Nissan drops out of top 10 in global auto sales charts...' (new Leaf $31,485) https://www.autocarpro.in/news/nissan-drops-out-of-top-10-in-global-auto-sales-charts-for-first-half-of-2025-128291?amp=1",
    "F_S120": "EngineerFix, 'How much is a Honda CR-V in California' https://engineerfix.com/how-much-is-a-honda-cr-v-in-california",
    "F_S121": "USA Journal, 'Automaker reverses...' (2025 Civic base $24,250) https://usajournal.news/2025/03/03/automaker-reverses-trump/",
    "F_S122": "(secondary) MyEVDiscussion, 2026 Passport vs 2025 Pilot https://myevdiscussion.com/threads/2026-honda-pilot-vs-2025-honda-passport-which-is-better-for-you.1182",
    "F_S123": "CoPilot, 'The 2025 Honda Passport: What We Know So Far' https://copilotsearch.com/posts/2025-honda-passport-what-we-know-so-far",
    "F_S125": "Jalopnik (Reuters), 'Nissan needs tariff deal stat' https://www.jalopnik.com/1861476/nissan-needs-tariff-deal-stat/",
    "F_S129": "CBT News, 'American Honda eyes sales gains for 2024' https://cbtnews.com/american-honda-eyes-sales-gains-for-2024-re-affirms-ev-commitment",
    "F_S133": "Honda Global, 'Production, Sales and Export Results for March 2024 and April 2023-March 2024' https://global.honda/en/newsroom/news/2024/c240425eng.html",
    # model_sales.md
    "M1": "motor-fan.jp, 2024 North American new-car sales of six Japanese makers (Jan 2025) https://motor-fan.jp/mf/article/293850",
    "M2": "Nasdaq/Zacks, 'Honda's 2025 US sales rise 0.5%' (6 Jan 2026) https://www.nasdaq.com/articles/hondas-2025-us-sales-rise-05-y-y-despite-microchip-shortage",
    "M3": "Response.jp, Acura US sales 2024 (6 Jan 2025) https://response.jp/article/2025/01/06/390459.html",
    "M4": "carwww.com, 'BMW vs Tesla: battle for luxury in the USA' (Acura 2024 model sales) https://carwww.com/uk/bmw-проти-tesla-Битва-за-розкіш-у-США",
    "M6": "techstory.in, 'Infiniti faces declining sales by 13% in 2024' https://techstory.in/infiniti-faces-declining-sales-by-13-in-2024-despite-qx50-growth/",
    "M7": "Response.jp, Infiniti H1-2025 US sales (7 Jul 2025) https://s.response.jp/article/2025/07/07/397962.html",
    "M8": "motorcars.jp, Honda April 2025 https://motorcars.jp/honda-of-america-breaks-multiple-sales-records-in-april-thanks-to-new-models-and-improved-supply20250502",
    "M9": "tomorrowstechnician.com, Honda 2023 hybrids https://www.tomorrowstechnician.com/hondas-cumulative-ev-sales-tick-past-the-1-million-mark/",
    "M10": "nevsedoma.com.ua (Carscoops mirror), Honda Sep-2025 https://nevsedoma.com.ua/en/698094-honda-passport-sales-sharply-prices-rose-and-the-zdx-revealed-the-reasons-for-its-discontinuation-3-photos.html",
    "M11": "civicxi.com forum citing Motor1 on 2024 manual take rate https://www.civicxi.com/forum/threads/honda-acura-manual-transmission-take-rates-in-2024-and-estimated-2024-production-numbers.55934/",
    "M13": "inkl/Motor1, 'Accord sales dropped massively in 2024' https://inkl.com/news/accord-sales-dropped-massively-in-2024-honda-says-it-was-on-purpose",
    "M14": "The Drive, 'Honda Passport sales are on fire' https://www.thedrive.com/news/honda-passport-sales-are-on-fire-trailsport-accounts-for-80",
    "M15": "budwells.com, '5 decades of minivans' (Feb 2025) https://budwells.com/2025/02/5-decades-of-minivans",
    "M16": "mp.hot166.com, 'Honda's 2025 was a mess, but SUVs and hybrids saved it' https://mp.hot166.com/hondas-2025-was-a-mess-but-suvs-and-hybrids-saved-it",
    "M21": "smarti.news, Q3-2025 midsize trucks https://smarti.news/5840/toyota-tacoma-q3-2025-mid-size-sales",
    "M22": "gtplanet (quoting Honda Q4-2024 Prologue 33,017) https://gtplanet.net/forum/threads/2024-chevrolet-equinox-honda-prologue-ev.403313/post-14388772",
    "M24": "Edmunds, 'Acura TLX discontinued' (Jul 2025) https://www.edmunds.com/car-news/acura-tlx-discontinued.html",
    "M25": "just-auto, Nissan Sep-2025 global sales https://www.just-auto.com/newsletters/nissans-global-vehicle-sales-drop-4-in-september",
    "M26": "auto.rambler.ru (citing Carscoops), RDX to end (Jan 2026) https://auto.rambler.ru/news/55931728-acura-snimet-s-proizvodstva-svoy-stareyshiy-krossover/",
    "M27": "carsworld/Carscoops, TLX end and Integra H1-2025 https://carsworld.world/2025/07/24/Acura-Has-Recently-Discontinued-A-Sedan-It-Previously-Described-As-Essential-%7C-Carscoops",
    "M28": "PASMAG, TLX H1-2025 https://pasmag.com/extras/industry-insight/chopping-block-acura-tlx",
    "M30": "webcartop.jp (Kicks 2023 US: 66,823) https://webcartop.jp/2024/11/1485227/2",
    "M33": "rin.pw (citing Automotive News), Murano FY25 plan 47,410 https://rin.pw/nissan-may-have-messed-up-with-the-new-murano",
    "M34": "Subcompact Culture, Versa/Z YTD Q3-2024 http://www.subcompactculture.com/2024/10/these-two-small-cheap-cars-are-selling.html",
    "M37": "carjournalreview, 'Nissan finally sold more Zs than Toyota sold Supras' https://carjournalreview.com/nissan-finally-sold-more-zs-than-toyota-sold-supras",
    "M38": "autoinsiders.org, Z 2025 https://autoinsiders.org/performance-reviews-43562/nissan-z-s-resounding-success-over-supra-highlights-shifting-sporting-car-landscape",
    "M39": "autopronews.ru, H1-2024 sports cars (GT-R 38) https://autopronews.ru/en/toyota-gr86-and-nissan-z-sports-car-sales-soar-in-the-us/",
    "M40": "autotimes.net, Ariya halt (2024: 19,798; H1-2025 11,619) https://www.autotimes.net/?p=5829",
    "M43": "myworldfix (Frontier -12.2% YTD Sep-2025) https://myworldfix.com/toyota-tacoma-dominates-mid-size-truck-market",
    "M44": "automagazine.pt, H1-2024 full-size trucks (Titan 8,209) https://automagazine.pt/h1-2024-sales-report-ford-f-series-remains-america-s-favorite-large-truck",
    "M_NIS2024": "Nippon.com (Jiji), '6 Japanese automakers log U.S. sales growth in 2024' (2025-01-04) https://www.nippon.com/en/news/yjj2025010400209/6-japanese-automakers-log-u-s-sales-growth-in-2024.html",
    # mitsubishi.md
    "T1": "Carscoops, 'Toyota's most forgettable SUV outsold Mitsubishi's entire lineup' (Jan 2026) https://www.carscoops.com/2026/01/toyotas-most-forgettable-suv-outsold-mitsubishis-entire-lineup",
    "T2": "Mitsubishi 2025 sales (Outlander Sport +35.4%, Eclipse Cross +37.6%) https://mp.hot166.com/mitsubishis-sales-fell-in-2025-after-it-dropped-its-cheapest-car",
    "T3": "2024 Mitsubishi model sales https://qa1.mahoningmatters.com/news/business/article297972068.html",
    "T5": "Response (English), Mitsubishi end of US production (2015) https://en.responsejp.com/cars-automotivebusiness/2015/07/27/mitsubishiofficiallyannouncesendofusproduction.html",
    "T6": "Automotive Manufacturing Solutions, RVR to Mizushima; Eclipse Cross at Okazaki (2017) http://www.automotivemanufacturingsolutions.com/news/mitsubishi-transfers-production-rvr",
    "T7": "InsideEVs, Okazaki builds Outlander / Outlander PHEV https://insideevs.com/five-millionth-car-produced-at-mitsubishis-okazaki-plant-is-outlander-phev/",
    "T8": "Retail in Asia (Thailand sole export hub for Mirage) https://retailinasia.com/in-sectors/lifestyle-services/auto/mitsubishi-picks-thai-hub/",
    "T9": "Japan Today (Kyodo), Mitsubishi-Nissan eye joint production to mitigate U.S. tariffs (8 May 2025) https://japantoday.com/category/business/mitsubishi-nissan-eye-joint-production-to-mitigate-u.s.-tariffs",
    "T13": "Nikkan Jidosha Shimbun, Mitsubishi 27 Aug 2025 https://www.netdenjd.com/articles/-/321893",
    "T15": "Livedoor (Jiji), Mitsubishi Apr-Dec 2025 https://news.livedoor.com/topics/detail/30521369/",
    "T16": "Kelley Blue Book June 2025 ATP report https://www.automotiveworld.com/news-releases/kelley-blue-book-report-new-vehicle-costs-rise-in-june-outpacing-transaction-prices-as-sales-slow-incentives-tick-up",
    "T17": "Automotive News, 'New halo sparks excitement among Mitsubishi's dealers' https://www.autonews.com/sales/new-halo-sparks-excitement-among-mitsubishis-dealers",
    # tariffs.md
    "S9": "Federal Register 90 FR 18899 (2 May 2025): Proclamation 10925 and EO 14289 https://www.govinfo.gov/content/pkg/FR-2025-05-02/html/2025-07833.htm",
    "S45": "Yomiuri / Japan News, 'Value of Auto Exports to U.S. Dives as Japanese Manufacturers Eat Tariff Costs' https://japannews.yomiuri.co.jp/business/companies/20250719-270254/",
    "S46": "CNA (Reuters), 'Nissan forecasts $1.8 billion annual operating loss as US tariffs weigh' https://www.channelnewsasia.com/business/nissan-forecasts-18-billion-annual-operating-loss-us-tariffs-weigh-5435281",
    "S47": "Nippon.com (Jiji), 'Nissan Expects 275 B. Yen Operating Loss in FY 2025' https://www.nippon.com/en/news/yjj2025103001343/nissan-expects-275-b--yen-operating-loss-in-fy-2025.html",
    "S48": "Kankyo Business, Nissan Q1 (tariff outlook cut from 450B to 300B yen) https://www.kankyo-business.jp/column/5365acd3-e789-4205-817a-4599c391518d",
    "S49": "Daily8 (Japan News), 'Nissan logs 115.76 bil. yen net loss in April-June on US tariffs' https://www.daily8.com/en/article/4823ab4d62dd610e82f350bc98d493a4",
    "S51": "Nippon.com (Jiji), 'Nissan Forecasts 650 B. Yen Group Net Loss for FY 2025' https://www.nippon.com/en/news/yjj2026021201012/nissan-forecasts-650-b--yen-group-net-loss-for-fy-2025.html",
    "S52": "Nissan 13 May 2025 tariff outlook (up to 450B yen), as compiled in tariffs.md S52/S48 https://www.kankyo-business.jp/column/5365acd3-e789-4205-817a-4599c391518d",
    "S53": "Nippon.com (Jiji), 'Honda Projects 70 Pct Drop in FY 2025 Net Profit' https://www.nippon.com/en/news/yjj2025051300799/honda-projects-70-pct-drop-in-fy-2025-net-profit.html",
    "S54": "Nikkan Jidosha Shimbun, Honda 13 May 2025 breakdown https://www.netdenjd.com/articles/-/317393",
    "S55": "FMT (AFP), 'Honda hit by tariffs in Q1 but lifts annual outlook' https://dev-v4.freemalaysiatoday.com/category/business/2025/08/06/honda-hit-by-tariffs-in-q1-but-lifts-annual-outlook",
    "S2b": "Niigata Nippo (Kyodo), Honda 450B yen https://www.niigata-nippo.co.jp/articles/-/665300",
    "S56": "Nikkan Jidosha Shimbun, Honda 7 Nov 2025 (450B -> 385B yen) https://www.netdenjd.com/articles/-/324965",
    "S57": "Nippon.com (Jiji), 'Honda Lowers Full-Year Profit Forecast' https://www.nippon.com/en/news/yjj2025110701117/honda-lowers-full-year-profit-forecast.html",
    "S58": "Livedoor (MINKABU), Honda Apr-Dec (310B yen) https://news.livedoor.com/article/detail/30565293/",
    "S68": "Nippon.com (Jiji), 'Trump Tariffs Cost Japan Automakers 2.1 T. Yen in April-Dec. 2025' https://www.nippon.com/en/news/yjj2026021201185/trump-tariffs-cost-japan-automakers-2-1-t-yen-in-april-dec-2025.html",
    "S118": "Opportimes, 'Top 10 auto exporters to the United States in 2024' https://opportimes.com/top-10-auto-exporters-to-the-united-states-in-2024",
    "S120": "Hindustan Times (AFP), 'US imports 8 mn cars from Mexico, SKorea and Europe' https://www.hindustantimes.com/world-news/us-news/us-imports-8-mn-cars-from-mexico-skorea-and-europe-101743077801776.html",
    "S121": "moto-no.jp, Japan auto exports 2025 by type and country (MoF data) https://moto-no.jp/insight/ex_jp_auto_2025",
    "S116": "S&P Global Mobility press release (4 Feb 2025) via ADVFN https://it.advfn.com/mercati/NYSE/SPGI/notizie/95369306/north-american-automotive-industry-faces-unprecede",
    "S127": "Wallstreetcn via Longbridge, BOJ export price -19.4% (June) https://web-origin.lbkrs.com/news/247939496",
    "S128": "Longbridge (Bloomberg/Japan Times), 'Japanese automakers face a critical moment as export prices to the U.S. plummet' https://longbridge.com/en/news/248310712",
    "S129": "MNI, 'Japan Sept CGPI...' (auto export prices Aug/Sep) https://www.mnimarkets.com/articles/mni-brief-japan-sept-cgpi-rises-27percent-yy-import-price-drops-1760055839801",
    "S130": "MNI, 'Japan Oct CGPI...' (auto export prices Oct) https://www.mnimarkets.com/articles/mni-brief-japan-oct-cgpi-rises-27percent-yy-import-price-drops-1762992807374",
    "S132": "Unusual Whales (Nikkei), Japanese automakers passing US tariff costs (July 2025 unit price 3.41M yen) https://unusual-whales.ghost.io/unusual_blog/post/japanese-automakers-have-begun-passing-the-costs-of-u-s-tariffs-onto-american-consumers",
    "S42": "DutyDesk glossary, 'Customs Value' (US uses FOB) https://dutydesk.app/glossary/customs-value",
    "S44": "CBP ruling HQ H310087 (related-party vehicle importer, transfer prices) https://www.customsmobile.com/rulings/docview?doc_id=HQ+H310087",
    # found with the search tool for this dataset
    "X_FX_0513": "CNA (Reuters), 'Honda sees full-year profit declining 59% as US tariffs bite' (13 May 2025; $1 = 147.89 yen) https://www.channelnewsasia.com/business/honda-sees-full-year-profit-declining-59-us-tariffs-bite-5126136",
    "X_FX_0807": "CNA (Reuters), 'Toyota cuts full-year operating profit estimate by 16%' (7 Aug 2025; $1 = 147.23 yen) https://www.channelnewsasia.com/business/toyota-cuts-full-year-operating-profit-estimate-16-5282196",
    "X_FX_0702": "BestExchangeRates, 'USD to JPY forecast' (early Jul 2025: USD/JPY at 144.8, just above its three-month average; range 140.9-148.5) https://bestexchangerates.com/forecasts/usd-to-jpy-forecast/",
    "X_FX_1118": "MyForex (FXStreet), 'Japanese Yen weakens...' (18 Nov 2025; USD/JPY near 155.19) https://myforex.com/en/news/fxs251118933.html",
    "X_FX_1224": "FXStreet, 'USD/JPY corrects further to near 155.80' (24 Dec 2025) https://www.fxstreet.com/news/usd-jpy-corrects-further-to-near-15580-gives-up-entire-boj-policy-led-gains-202512241102",
    "X_FX_0212": "CNA (Reuters), 'Nissan sees smaller full-year operating loss as turnaround efforts bear fruit' (12 Feb 2026; $1 = 153.01 yen) https://www.channelnewsasia.com/business/nissan-sees-smaller-full-year-operating-loss-turnaround-efforts-bear-fruit-5925901",
    "X_HONDA_Q1": "Insider Monkey, Honda Q1 FY2026 earnings call transcript (6 Aug 2025) https://www.insidermonkey.com/blog/honda-motor-co-ltd-nysehmc-q1-2026-earnings-call-transcript-1588619",
    "X_HONDA_MAY": "Reportify, Honda FY2025 forecast (tariffs: vehicles from Canada/Mexico etc. 300B; parts and materials 220B; motorcycles 130B) https://reportify.ai/social-media/677304859919376",
    "X_ROGUE25": "NexusNews (NYT summary), 'What's an Import: Tariffs Complicate U.S. Car Supply Chains' (Rogue assembled in Tennessee, only 25% of its content US) https://nexusnews.pro/whats-an-import-tariffs-complicate-u-s-car-supply-chains",
    "X_PASSPORT75": "The News Wheel, 'Honda is Leading Automaker in Cars.com 2022 American-Made Index' (Passport 75% U.S./Canadian parts) https://thenewswheel.com/honda-leading-automaker-2022-american-made-index/",
    "X_RIDGELINE65": "Motor1, Cars.com most American-made pickup 2023 (Ridgeline 65% US/Canada content, NHTSA data) https://www.motor1.com/news/673175/cars-com-most-american-made-pickup-truck-list/",
    "X_KLIER": "Klier & Rubenstein (Chicago Fed), 'Imports of Intermediate Parts in the Auto Industry - A Case Study' (2009: parts ~70% of value added; more than one-fourth of parts in US-assembled vehicles imported) http://www.docstoc.com/docs/102014953/Imports-of-Intermediate-Parts-in-the-Auto-Industry---A-Case-Study",
    "X_CHIFED": "Chicago Fed Midwest Economy blog, 'What do we know about the origin of parts in vehicles sold in the U.S. market?' (2019; ~75% of a vehicle's value is parts) https://www.chicagofed.org/publications/blogs/midwest-economy/2019/what-do-we-know-about-the-origin",
    "X_EBRARD": "Report of Mexican Economy Secretary Marcelo Ebrard at the ITAM 'Economic Perspectives 2025' seminar: 35% of the content of vehicles assembled in Mexico is of U.S. origin (stored page returned by the project search tool without an address; same story family as Opportimes)",
    "X_TDCOWEN": "Corevias (Automotive News / T.D. Cowen and USITC): passenger cars from Canada and Mexico paid an average 19% tariff in July 2025 https://corevias.com/turns-out-automakers-have-no-clue-how-much-american-content-is-actually-in-their-imported-cars",
    "X_ADX_CELAYA": "Zocalo, 'Acura ADX, apuesta de Honda por Mexico: made in Celaya' (20 Mar 2025; Honda says the ADX meets USMCA rules) https://zocalo.com.mx/acura-adx-apuesta-de-honda-por-mexico-made-in-celaya",
    "X_ACURA_PRICES": "Shiny Metal Boxes, '2025 Acura ADX A-Spec AWD Advance' (Integra from $33,000; RDX $44,700; ZDX $64,500; ADX from $35,000) https://shinymetalboxes.net/tag/acura",
    "X_ALTIMA": "Eric's Autos, '2025 Nissan Altima' (from $27,000 for the 2.5 S) https://ard.triviastreaks.com/homeandleisure/automotive/ericauto/s-3523486",
    "X_MIRAGE_END": "HotHardware, 'R.I.P Mitsubishi Mirage' (US production ceases late 2024; dealer stock into summer 2025) https://hothardware.com/news/mitsubishi-mirage-bites-the-dust",
    "X_OS2018": "Creators (Eric Peters), '2018 Mitsubishi Outlander Sport' (base ES $20,395; top SEL AWD $25,995) https://www.creators.com/read/eric-peters/08/18/2018-mitsubishi-outlander-sport",
    "X_CR_ADX_HRV": "Consumer Reports, '2025 Acura ADX Is a Peppier, Grown-Up Honda HR-V' (ADX based on the HR-V) https://www.consumerreports.org/cars/acura/adx/2025/road-test-report",
    "X_HRV_CIVIC": "Views on Vehicles, 'Acura Swoops In with a New SUV! The ADX' (2023 HR-V switched to the Civic platform) https://www.viewsonvehicles.com/new-acura-adx/",
    "X_OECD": "Opportimes, 'Mexico contributes to automotive competitiveness in North America' (OECD TiVA: ~15% of the value of US manufacturing imports from Canada and Mexico is US value) https://www.opportimes.com/en/mexico-contributes-to-automotive-competitiveness-in-north-america",
}


# issue 16: the whole tariff bill (importer of record, pass-through, offset claims, metals)
S.update({
    "B_NIKKEI_PASS": "AsiaDaily (Nikkei survey), 'Tariffs squeeze Japan's parts suppliers as policy shifts again' (more than 80% of major Japanese auto-parts makers have passed the US levies to their customers or are preparing to) https://asiadaily.org/?p=7319",
    "B_LEAR": "WardsAuto, 'Suppliers squeezed by tariffs seek OEM customers' help' (Lear recovered substantially all of its $63M H1-2025 tariff cost from customers; suppliers renegotiating to recover the rest) https://www.wardsauto.com/news/suppliers-squeezed-by-tariffs-seek-oem-customers-help/798933",
    "B_ITT_IOR": "International Trade Today, 'Proclamation Released Governing Auto Parts Tariffs' (29 Apr 2025: the maker may name importers of record, including suppliers, to decrement its offset; its application breaks projected parts duty into direct costs and suppliers' costs) https://internationaltradetoday.com/article/2025/04/29/proclamation-released-governing-auto-parts-tariffs-2504290072",
    "B_AACB": "AACB, 'Amendments to Adjusting Imports of Automobiles and Automobile Parts' (offset only against the manufacturer's own parts liability; credit above it forfeited) https://www.aacb.com/trade-tariff-news/amendments-to-adjusting-imports-of-automobiles-and-automobile-parts-into-the-u-s",
    "B_HONDA_MITIG": "research/tariffs.md, Honda 13 May 2025: 650B yen gross, mitigation 200B, so ~450B net (S53 Nippon.com https://www.nippon.com/en/news/yjj2025051300799/honda-projects-70-pct-drop-in-fy-2025-net-profit.html ; S54 Nikkan Jidosha Shimbun https://www.netdenjd.com/articles/-/317393)",
})


def cite(*keys: str) -> str:
    return " | ".join(S[k] for k in keys)


rows: dict[str, list[dict]] = {}


def add(table: str, **kw):
    rows.setdefault(table, []).append(kw)


# --------------------------------------------------------------------------
# companies
# --------------------------------------------------------------------------
for c, name, src in [
    ("nissan", "Nissan Motor Co., Ltd. (Nissan and Infiniti brands)", cite("S47")),
    ("honda", "Honda Motor Co., Ltd. (Honda and Acura brands)", cite("S53")),
    ("mitsubishi", "Mitsubishi Motors Corporation", cite("T13")),
]:
    add("companies", company=c, name=name, currency="JPY", fiscal_year_start_month=4,
        home_country="JP", supplier_pass_through=0.8, offset_to_suppliers=0.0,
        source=src + " | " + cite("B_NIKKEI_PASS", "B_LEAR", "B_ITT_IOR", "B_AACB"),
        assumption="Fiscal year April-March (FY2025 = Apr 2025-Mar 2026), as the FY tariff figures in the source are stated for the year to March 2026; reporting currency JPY. "
                   "SUPPLIER PASS-THROUGH 0.8: the Nikkei survey's share of major Japanese parts makers passing the duty on (or preparing to), read as the share of suppliers' duty that reaches the automaker; Lear's near-full recovery bounds it above (1.0). No company figure. "
                   "OFFSET TO SUPPLIERS 0: Proclamation 10925 lets a maker name suppliers as importers of record against its offset, but no statement that this firm did was found; the offset is taken to cancel only its own parts duty (research/tariffs.md: 'usable only against that maker's own 232 parts liability').")

# --------------------------------------------------------------------------
# fx: JPY per USD, monthly for FY2025 then flat
# --------------------------------------------------------------------------
FX = [
    ("2025-04-01", "2025-04-30", 146.10, cite("F_S125"),
     "No monthly average found. Derived from the rate implied by Reuters' April 2025 conversion of Nissan's 450B yen tariff estimate to ~$3.08B (450/3.08 = 146.1)."),
    ("2025-05-01", "2025-05-31", 147.89, cite("X_FX_0513"),
     "No monthly average found; uses the Reuters print of 13 May 2025 ($1 = 147.89 yen) for the whole month."),
    ("2025-06-01", "2025-06-30", 144.80, cite("X_FX_0702"),
     "No monthly average found; uses the early-July 2025 level (144.8, described as just above its three-month average) for June."),
    ("2025-07-01", "2025-07-31", 146.02, cite("X_FX_0702", "X_FX_0807"),
     "No monthly average found; midpoint of the early-July level 144.8 and the 7 Aug 2025 Reuters print 147.23."),
    ("2025-08-01", "2025-08-31", 147.23, cite("X_FX_0807"),
     "No monthly average found; uses the Reuters print of 7 Aug 2025 ($1 = 147.23 yen) for the month."),
    ("2025-09-01", "2025-09-30", 149.01, cite("X_FX_0807", "S46"),
     "No monthly average found; midpoint of the 7 Aug 2025 print 147.23 and the 30 Oct 2025 print 150.78."),
    ("2025-10-01", "2025-10-31", 150.78, cite("S46"),
     "No monthly average found; uses the rate Reuters printed with Nissan's 30 Oct 2025 forecast ($1.82B at 150.78)."),
    ("2025-11-01", "2025-11-30", 155.19, cite("X_FX_1118"),
     "No monthly average found; uses the 18 Nov 2025 trading level (155.19, a nine-month high) for the month."),
    ("2025-12-01", "2025-12-31", 155.80, cite("X_FX_1224"),
     "No monthly average found; uses the 24 Dec 2025 trading level (~155.80)."),
    ("2026-01-01", "2026-01-31", 154.41, cite("X_FX_1224", "X_FX_0212"),
     "No monthly average found; midpoint of the 24 Dec 2025 level 155.80 and the 12 Feb 2026 Reuters print 153.01."),
    ("2026-02-01", "2026-02-28", 153.01, cite("X_FX_0212"),
     "No monthly average found; uses the Reuters print of 12 Feb 2026 ($1 = 153.01 yen)."),
    ("2026-03-01", "2026-03-31", 153.01, cite("X_FX_0212"),
     "No later print found; carries the 12 Feb 2026 rate (153.01) through March 2026."),
    ("2026-04-01", "2031-03-31", 153.01, cite("X_FX_0212"),
     "Forecast years FY2026-FY2030: flat at the latest sourced rate (153.01 on 12 Feb 2026); no forecast is modelled."),
]
for start, end, rate, src, asm in FX:
    add("fx", currency="JPY", start=start, end=end, per_usd=rate, source=src, assumption=asm)

# pesos and Canadian dollars: the local share of Mexican and Canadian plants' costs (costs.csv)
MX_SRC = "Banco de Mexico FIX of 21 Feb 2025 (20.3448 pesos per USD), as listed in 'How much is the Mexican peso worth' https://gaymexico.net/?p=964 | Mexico News Daily, '2025 was the modern Mexican peso's best year ever' (peso up nearly 14% in 2025) https://mexiconewsdaily.com/news/mexican-peso-best-year-2025/ | Dow Jones via Kudupinter (dollar at an average of 18.04 pesos) https://kudupinter.com/?p=73668"
CA_SRC = "Maybe Finance, CAD/USD analysis (1 May 2025: 1.3850 CAD per USD) https://maybefinance.com/tools/exchange-rate-calculator/CAD/USD/5 | 56ok.com (9 Aug 2025: 0.7272 USD per CAD = 1.375 CAD per USD) https://en.56ok.com/topic/detail-126385-canadian-dollar-fluctuates-against-us-dollar-amid-economic-trends.html"
for cur, start, end, rate, src, asm in [
    ("MXN", "2025-01-01", "2025-09-30", 20.34, MX_SRC, "No monthly averages found; the Feb 2025 FIX stands for the first three quarters of 2025 (the peso strengthened through the year)."),
    ("MXN", "2025-10-01", "2031-03-31", 18.04, MX_SRC, "Late-2025 level (18.04) held flat for the forecast years, as the JPY path holds its last print."),
    ("CAD", "2025-01-01", "2025-06-30", 1.385, CA_SRC, "No monthly averages found; the 1 May 2025 level stands for the first half of 2025."),
    ("CAD", "2025-07-01", "2031-03-31", 1.375, CA_SRC, "The Aug 2025 level held flat for the rest of 2025 and the forecast years, as the JPY path holds its last print."),
]:
    add("fx", currency=cur, start=start, end=end, per_usd=rate, source=src, assumption=asm)

# --------------------------------------------------------------------------
# nameplates
# --------------------------------------------------------------------------
# (nameplate, company, brand, segment, platform, powertrain, category, msrp, source, assumption)
NP = [
    # ---- Nissan / Infiniti
    ("rogue", "nissan", "Nissan", "compact_suv", "nissan_cmf_cd", "ice", "car", 28590, cite("F_S113"), "MSRP: 2025 base of the $28,590-$38,590 range. Platform name is our vocabulary (Renault-Nissan CMF-C/D family; not a published plant tooling list)."),
    ("rogue_phev", "nissan", "Nissan", "compact_suv", "nissan_cmf_cd", "phev", "car", 42675, cite("F_S114", "T17"), "MY2026 Rogue PHEV is a rebadged Mitsubishi Outlander PHEV; no own MSRP found, so the Outlander PHEV price ($42,675 incl. destination) is used. Platform: the Outlander is based on the Rogue (T17)."),
    ("sentra", "nissan", "Nissan", "compact_car", "nissan_cmf_cd", "ice", "car", 23845, cite("F_S29"), "Platform name is our vocabulary (CMF-C/D family); stated as an assumption."),
    ("altima", "nissan", "Nissan", "midsize_sedan", "nissan_cmf_cd", "ice", "car", 27000, cite("X_ALTIMA"), "2025 Altima 2.5 S base (destination excluded). Platform name is our vocabulary (CMF-C/D family)."),
    ("kicks", "nissan", "Nissan", "subcompact_suv", "nissan_cmf_b", "ice", "car", 23925, cite("F_S29", "F_S25"), "One row for the 2nd-gen Kicks and the Kicks Play (prior-generation Kicks, from $22,910, same Aguascalientes A1 plant): no volume split is public. MSRP is the 2nd-gen Kicks. Platform names are our vocabulary."),
    ("versa", "nissan", "Nissan", "subcompact_car", "nissan_v", "ice", "car", 17390, cite("F_S29"), "Platform name is our vocabulary (Nissan V platform)."),
    ("pathfinder", "nissan", "Nissan", "midsize_suv", "nissan_cmf_cd", "ice", "car", 38590, "", "No sourced MSRP. Set to the top of the sourced 2025 Rogue range ($38,590; F_S113) as the nearest sourced Nissan price point below the Murano ($40,470). Built at Smyrna with Rogue/Murano/QX60 (F_S1), hence CMF-C/D in our vocabulary."),
    ("murano", "nissan", "Nissan", "midsize_suv", "nissan_cmf_cd", "ice", "car", 40470, cite("F_S116"), "2025 Murano SV FWD (the entry trim of the new generation)."),
    ("frontier", "nissan", "Nissan", "midsize_pickup", "nissan_f_alpha", "ice", "light_truck", 33590, "", "No sourced MSRP. Set to the midpoint of the sourced 2025 Rogue range ($28,590-$38,590; F_S113). Category light_truck: pickup, HTS 8704 (25% MFN). Platform name is our vocabulary (F-Alpha ladder frame)."),
    ("armada", "nissan", "Nissan", "fullsize_suv", "nissan_y62", "ice", "car", 57345, cite("F_S117"), "Sourced price is the 2024 (previous-generation) SV incl. destination; the 2025 generation is likely dearer (no price found). Platform name is our vocabulary (Patrol body-on-frame; F_S41)."),
    ("ariya", "nissan", "Nissan", "compact_suv", "nissan_cmf_ev", "bev", "car", 40470, "", "No sourced MSRP. Set equal to the Murano SV ($40,470; F_S116) as a same-brand SUV price point. Ariya is imported, so the MSRP only scales its assumed customs value here (costs.csv)."),
    ("leaf", "nissan", "Nissan", "compact_car", "nissan_cmf_ev", "bev", "car", 31485, cite("F_S119"), "3rd-generation (2026) LEAF price. Platform assumed to be the CMF-EV family shared with Ariya (our vocabulary)."),
    ("z", "nissan", "Nissan", "sports_car", "nissan_fm", "ice", "car", 42000, "", "No sourced MSRP. Order-of-magnitude value for a 400-hp sports coupe; volume is small (<8,000/yr) so the effect on totals is negligible."),
    ("gt_r", "nissan", "Nissan", "sports_car", "nissan_pm", "ice", "car", 120000, "", "No sourced MSRP. Order-of-magnitude value; volume ~76 units a year, negligible."),
    ("qx60", "nissan", "Infiniti", "midsize_luxury_suv", "nissan_cmf_cd", "ice", "car", 49600, "", "No sourced MSRP. Set to the sourced 2025 Murano Platinum price ($49,600; F_S116): same Smyrna CMF-C/D family, luxury positioning."),
    ("qx80", "nissan", "Infiniti", "fullsize_luxury_suv", "nissan_y62", "ice", "car", 80000, "", "No sourced MSRP. Set to 1.4 x the sourced 2024 Armada SV price ($57,345; F_S117) = ~$80,000, reflecting the luxury twin's higher trim; judgment, not a source."),
    ("qx50", "nissan", "Infiniti", "compact_luxury_suv", "infiniti_qx50", "ice", "car", 40470, "", "No sourced MSRP; demand is zero from FY2025 (orders paused, production ended). Set to the Murano SV price as a placeholder."),
    ("qx55", "nissan", "Infiniti", "compact_luxury_suv", "infiniti_qx50", "ice", "car", 49600, "", "No sourced MSRP; demand is zero from FY2025. Set to the Murano Platinum price as a placeholder."),
    ("q50", "nissan", "Infiniti", "midsize_luxury_sedan", "nissan_fm", "ice", "car", 45000, "", "No sourced MSRP. Order-of-magnitude value for a luxury sports sedan; ~5,500 units/yr."),
    # ---- Honda / Acura
    ("cr_v", "honda", "Honda", "compact_suv", "honda_compact_suv", "ice", "car", 30000, "", "No sourced MSRP for the non-hybrid CR-V. Set $4,650 below the sourced 2025 CR-V Hybrid Sport ($34,650; F_S120): the ICE trims (LX/EX) sit below the hybrid trims; round figure, judgment."),
    ("cr_v_hybrid", "honda", "Honda", "compact_suv", "honda_compact_suv", "hybrid", "car", 34650, cite("F_S120"), "2025 CR-V Hybrid Sport MSRP excl. ~$1,350 destination. Platform name is our vocabulary."),
    ("civic_sedan", "honda", "Honda", "compact_car", "honda_compact_car", "ice", "car", 24250, cite("F_S121"), "2025 Civic base; includes Si. Platform name is our vocabulary."),
    ("civic_sedan_hybrid", "honda", "Honda", "compact_car", "honda_compact_car", "hybrid", "car", 27000, cite("F_S59"), "No sedan-hybrid price found; uses the sourced Civic Hatchback Hybrid start (~$27,000) as a sibling."),
    ("civic_hatch", "honda", "Honda", "compact_car", "honda_compact_car", "ice", "car", 24250, cite("F_S121"), "No hatchback price found; set equal to the sourced 2025 Civic base (sibling body style)."),
    ("civic_hatch_hybrid", "honda", "Honda", "compact_car", "honda_compact_car", "hybrid", "car", 27000, cite("F_S59"), "Hatch hybrid ~$27,000 start."),
    ("civic_type_r", "honda", "Honda", "compact_car", "honda_compact_car", "ice", "car", 45000, "", "No sourced MSRP. Order-of-magnitude value for the Type R; low volume (~4,700/yr assumed)."),
    ("prelude", "honda", "Honda", "compact_car", "honda_compact_car", "hybrid", "car", 42000, "", "No sourced MSRP (US dealer mark-ups up to $65k reported, F_S92). Judgment value between the Civic Hybrid and the Type R; plan volume only ~4,000/yr."),
    ("accord", "honda", "Honda", "midsize_sedan", "honda_midsize_car", "ice", "car", 28000, "", "No sourced Accord MSRP. Set near its segment peer, the sourced 2025 Altima ($27,000 base; $28,140 with destination; X_ALTIMA), rounded."),
    ("accord_hybrid", "honda", "Honda", "midsize_sedan", "honda_midsize_car", "hybrid", "car", 33000, "", "No sourced MSRP. Accord ($28,000 assumed) plus $5,000 for the hybrid trims, which start higher in the range; the sourced Civic hybrid-vs-base gap is $2,750 (F_S59, F_S121) on a cheaper car. Judgment."),
    ("hr_v", "honda", "Honda", "subcompact_suv", "honda_small_suv", "ice", "car", 24250, "", "No sourced HR-V MSRP. Set equal to the sourced 2025 Civic base ($24,250; F_S121): the US HR-V is built on the Civic platform (X_HRV_CIVIC). Likely a slight understatement."),
    ("pilot", "honda", "Honda", "midsize_suv", "honda_global_light_truck", "ice", "car", 40200, cite("F_S122"), "(secondary source) ~$40,200. 'honda_global_light_truck' is our name for the shared Pilot/Passport/Odyssey/Ridgeline/MDX architecture."),
    ("passport", "honda", "Honda", "midsize_suv", "honda_global_light_truck", "ice", "car", 42400, cite("F_S123"), "2025 EX-L incl. destination (base trim of that MY)."),
    ("odyssey", "honda", "Honda", "minivan", "honda_global_light_truck", "ice", "car", 40200, "", "No sourced MSRP. Set equal to the Pilot ($40,200; F_S122), same Lincoln platform. Minivan = passenger vehicle HTS 8703."),
    ("ridgeline", "honda", "Honda", "midsize_pickup", "honda_global_light_truck", "ice", "light_truck", 40200, "", "No sourced MSRP. Set equal to the Pilot ($40,200; F_S122), same Lincoln platform. Pickup = light_truck HTS 8704."),
    ("prologue", "honda", "Honda", "midsize_suv", "gm_bev3", "bev", "car", 50000, "", "No sourced MSRP. Derived: Acura ZDX $64,500 (X_ACURA_PRICES) x (Honda CR-V Hybrid $34,650 / Acura RDX $44,700 = 0.775) = ~$50,000, i.e. the Honda twin priced at the same Honda/Acura ratio. Platform: GM's EV architecture (our name gm_bev3)."),
    ("mdx", "honda", "Acura", "midsize_luxury_suv", "honda_global_light_truck", "ice", "car", 50000, "", "No sourced MSRP. Set above the sourced RDX ($44,700; X_ACURA_PRICES) as the larger three-row Acura; round judgment value."),
    ("rdx", "honda", "Acura", "compact_luxury_suv", "acura_rdx", "ice", "car", 44700, cite("X_ACURA_PRICES"), "Platform name is our vocabulary."),
    ("integra", "honda", "Acura", "compact_luxury_car", "honda_compact_car", "ice", "car", 33000, cite("X_ACURA_PRICES"), ""),
    ("tlx", "honda", "Acura", "midsize_luxury_sedan", "honda_midsize_car", "ice", "car", 44700, "", "No sourced MSRP; production ended Jul 2025. Set equal to the RDX ($44,700) as the same-brand price point."),
    ("adx", "honda", "Acura", "subcompact_luxury_suv", "honda_small_suv", "ice", "car", 35000, cite("X_ACURA_PRICES", "X_CR_ADX_HRV"), "ADX is an upscale HR-V (same platform)."),
    ("zdx", "honda", "Acura", "midsize_luxury_suv", "gm_bev3", "bev", "car", 64500, cite("X_ACURA_PRICES"), "Discontinued in 2025."),
    # ---- Mitsubishi
    ("outlander", "mitsubishi", "Mitsubishi", "compact_suv", "nissan_cmf_cd", "ice", "car", 28590, "", "No sourced current-MY MSRP (a ~$40,000 ATP at the 2022 launch, T17). Set equal to its platform sibling the Rogue ($28,590; F_S113); the Outlander is based on the Rogue (T17)."),
    ("outlander_phev", "mitsubishi", "Mitsubishi", "compact_suv", "nissan_cmf_cd", "phev", "car", 42675, cite("F_S114"), "Price incl. destination (footprint.md S114; not re-verified)."),
    ("outlander_sport", "mitsubishi", "Mitsubishi", "subcompact_suv", "mmc_gs", "ice", "car", 20395, cite("X_OS2018"), "Only a 2018 base price was found; current prices are higher, so this understates. Platform name is our vocabulary (Mitsubishi GS)."),
    ("eclipse_cross", "mitsubishi", "Mitsubishi", "compact_suv", "mmc_gs", "ice", "car", 25995, "", "No sourced MSRP. Set to the sourced 2018 Outlander Sport top trim ($25,995; X_OS2018): the Eclipse Cross sits one step above the Outlander Sport on the same GS platform. Judgment."),
    ("mirage", "mitsubishi", "Mitsubishi", "subcompact_car", "mmc_small", "ice", "car", 18484, cite("T16"), "KBB average transaction price of the Mirage G4 (Jun 2025) used as the MSRP proxy; discontinued after MY2024."),
]
NPD = {}
for (n, co, br, seg, pf, pt, cat, msrp, src, asm) in NP:
    NPD[n] = dict(company=co, msrp=msrp, platform=pf)
    add("nameplates", nameplate=n, company=co, brand=br, segment=seg, platform=pf,
        powertrain=pt, category=cat, msrp_usd=float(msrp), source=src, assumption=asm)

# --------------------------------------------------------------------------
# demand: FY2025 from CY2025 (or CY2024) sales; FY2026-30 flat unless an event
# --------------------------------------------------------------------------
FYCY = "FY2025 (Apr 2025-Mar 2026) is taken equal to calendar-year sales (FY~CY); retail sales stand in for units entering the market (inventory changes ignored)."

# Nissan derivations (model_sales.md, footprint.md)
nissan_brand_2024 = 924008 - 58070                      # 865,938
frontier_2024 = round(54257 / 0.75)                     # annualised Jan-Sep 2024
versa_2024 = round(29302 / 0.75)
titan_2024 = 2 * 8209
gtr_2024 = 2 * 38
residual = nissan_brand_2024 - (245724 + 152659 + 113898 + 19316 + 19798 + 3164)   # 311,379
rest = residual - frontier_2024 - versa_2024 - titan_2024 - gtr_2024
kicks = 66823
q50_2024 = round(4138 / 0.75)
qx80_2024 = round(2 * 6936 / 1.471)                      # H1-2024 x 2
infiniti_rest = 58070 - q50_2024 - 51 - round(4994 / 0.634 / 0.75) - round(2736 / 0.75)
qx60 = infiniti_rest - qx80_2024
leaf = 5000
armada = 2 * qx80_2024
pathfinder = rest - kicks - leaf - armada
japan_2024 = round(0.16 * 924008)
rogue_kyushu_2024 = japan_2024 - (19798 + 3164 + gtr_2024 + q50_2024 + 51 + qx80_2024 + armada)
DER = dict(nissan_brand_2024=nissan_brand_2024, frontier_2024=frontier_2024, versa_2024=versa_2024,
           titan_2024=titan_2024, residual=residual, rest=rest, pathfinder=pathfinder, armada=armada,
           qx60=qx60, qx80_2024=qx80_2024, q50_2024=q50_2024, japan_2024=japan_2024,
           rogue_kyushu_2024=rogue_kyushu_2024, infiniti_rest=infiniti_rest)

# Honda derivations
civic25 = round(242005 * 390000 / (242005 + 162723))
accord25 = 390000 - civic25
type_r = round(0.02 * civic25)
civic_rest = civic25 - type_r
civ_hyb = round(0.35 * civic_rest)
civ_ice = civic_rest - civ_hyb
civic_sedan = round(0.70 * civ_ice)
civic_hatch = civ_ice - civic_sedan
civic_sedan_h = round(0.70 * civ_hyb)
civic_hatch_h = civ_hyb - civic_sedan_h
accord_h = round(0.50 * accord25)
accord_i = accord25 - accord_h
hrv = 270000 - 124209
ridgeline25 = round(37385 / 0.75)
odyssey25 = round(80293 * 1.10)
tlx_cy25 = 4500
integra25 = 21800
acura_rest = 133433 - 20000 - 11915 - tlx_cy25 - integra25
mdx25 = round(acura_rest * 50112 / (50112 + 42988))
rdx25 = acura_rest - mdx25
DER.update(civic25=civic25, accord25=accord25, acura_rest=acura_rest)

D = {}  # nameplate -> (fy2025, {year: units} overrides, source, assumption)


def dem(n, fy25, src, asm, later=None):
    D[n] = (fy25, later or {}, src, asm)


FLAT = "FY2026-FY2030: flat at FY2025 (no forecast modelled)."
dem("rogue", 245724, cite("F_S12", "F_S95"), f"CY2024 US sales 245,724 held for FY2025: Nissan Group Jan-Sep 2025 was +1.5% and the CEO expected a flat year. {FYCY} {FLAT}")
dem("rogue_phev", 0, cite("F_S13", "F_S114"), "MY2026 launch late in FY2025: FY2025 set to 0 (no launch volume found); FY2026-FY2030 9,000/yr, just under the sourced 2026 forecast of fewer than 10,000 units.", {y: 9000 for y in range(2026, 2031)})
dem("sentra", 152659, cite("F_S22"), f"CY2024 US sales 152,659 held for FY2025 (no 2025 figure found). {FYCY} {FLAT}")
dem("altima", 113898, cite("M13"), f"CY2024 US sales 113,898 (-11%) held for FY2025 (no 2025 figure found). {FYCY} {FLAT} Reports that 2025 may be the Altima's last MY are not confirmed, so it is kept.")
dem("kicks", kicks, cite("M30"), f"No 2024/2025 Kicks figure found; the 2023 figure (66,823) is held for Kicks + Kicks Play. Cross-check: with it, Mexico-built 2024 US sales (Sentra + Versa + Kicks + QX50 + QX55 ~= 272,700) are 29.5% of Nissan Group sales, matching the sourced 'just under 45% from Mexico + Japan' less ~16% from Japan (F_S125, F_S10a). {FYCY} {FLAT}")
dem("versa", 29302, cite("M34", "F_S29"), "FY2025: 2024 full year ~39,069 (Jan-Sep 2024 29,302 / 0.75), and US production ended Dec 2025, so Apr-Dec 2025 = 9/12 x 39,069 = 29,302. FY2026-FY2030: 0.", {y: 0 for y in range(2026, 2031)})
dem("pathfinder", pathfinder, cite("M1", "M_NIS2024"), f"No Pathfinder figure found. Residual: Nissan brand 2024 {nissan_brand_2024:,} less the sourced models leaves {residual:,} (model_sales.md) for Kicks, Pathfinder, Frontier, Versa, Armada, Titan, LEAF, GT-R; less Frontier {frontier_2024:,} (Jan-Sep x 4/3), Versa {versa_2024:,}, Titan {titan_2024:,} (2 x H1), GT-R {gtr_2024} = {rest:,}; less Kicks {kicks:,}, LEAF {leaf:,} (assumed) and Armada {armada:,} (assumed 2 x QX80) = {pathfinder:,}. {FYCY} {FLAT}")
dem("murano", 47410, cite("M33"), f"Nissan's FY2025 plan (cut 21%) per Automotive News: 47,410. {FLAT}")
dem("frontier", round(47630 / 0.75), cite("M43", "M21"), f"CY2025 annualised from Jan-Sep 2025 47,630 x 4/3. {FYCY} {FLAT}")
dem("armada", armada, cite("M7"), f"No Armada figure found. Assumed 2 x QX80 2024 ({qx80_2024:,}, = 2 x H1-2024 derived from H1-2025 6,936 at +47.1%): the mainstream twin outsells the luxury twin; judgment. Cross-check: with it, Japan-built 2024 sales fit the sourced ~16% Japan share with a plausible Kyushu Rogue volume (see sourcing). {FYCY} {FLAT}")
dem("ariya", 12000, cite("M40", "F_S44"), "H1-2025 US sales 11,619; US-bound MY2026 production paused, sales end when stock runs out. FY2025 (Apr-Mar) assumed 12,000 (~two quarters at the H1 pace, then run-out). FY2026-FY2030: 0 (no resumption announced).", {y: 0 for y in range(2026, 2031)})
dem("leaf", leaf, cite("F_S119"), "No LEAF US sales figure found. Assumed 5,000/yr for the 3rd-generation LEAF (small volume; part of the Nissan residual). FY2026-FY2030 flat.")
dem("z", 2 * 3789, cite("M38"), f"H1-2025 3,789 annualised (x2). {FYCY} {FLAT}")
dem("gt_r", gtr_2024, cite("M39"), f"H1-2024 38 x 2 = 76 (no 2025 figure). {FLAT}")
dem("qx60", qx60, cite("M6", "M7"), f"No QX60 figure. Infiniti 2024 58,070 less Q50 {q50_2024:,} (Jan-Sep x 4/3), Q60 51, QX50 ~10,503 and QX55 3,648 (Jan-Sep x 4/3) leaves {infiniti_rest:,} for QX60 + QX80; less QX80 {qx80_2024:,} (2 x derived H1-2024) = {qx60:,}. {FYCY} {FLAT}")
dem("qx80", 2 * 6936, cite("M7"), f"H1-2025 6,936 (best H1 ever) annualised (x2). {FYCY} {FLAT}")
dem("qx50", 0, cite("F_S33", "F_S31"), "US orders paused 3 Apr 2025 and Infiniti production at COMPAS ended Nov 2025: no new US-bound units enter in FY2025 (2025 sales came from stock); 0 in all years.", {y: 0 for y in range(2026, 2031)})
dem("qx55", 0, cite("F_S33", "F_S31"), "As QX50: orders paused 3 Apr 2025, production ended Nov 2025; 0 in all years.", {y: 0 for y in range(2026, 2031)})
dem("q50", q50_2024, cite("M6"), f"Jan-Sep 2024 4,138 annualised (x 4/3) = {q50_2024:,}; no 2025 figure. {FLAT}")
# Honda
dem("cr_v", 400000 - 216000, cite("M2", "M16"), f"CY2025 CR-V >400,000 (used as 400,000), 54% hybrid -> ICE 184,000. {FYCY} {FLAT}")
dem("cr_v_hybrid", 216000, cite("M2", "M16"), f"CY2025 CR-V 400,000 x 54% hybrid = 216,000. {FYCY} {FLAT}")
civic_note = (f"Civic 2025 not published: Honda cars (Civic + Accord + others) ~390,000 in 2025 (M2), split in the 2024 Civic:Accord ratio (242,005:162,723) -> Civic {civic25:,}. "
              f"Type R assumed 2% ({type_r:,}); hybrid share 35% of the rest (Apr-2025 >34%, Sep-2025 36%; M8, M10); sedan:hatch 70:30 assumed (no split found; the sedan is the volume body).")
dem("civic_sedan", civic_sedan, cite("M2", "M8", "M10"), f"{civic_note} {FYCY} {FLAT}")
dem("civic_sedan_hybrid", civic_sedan_h, cite("M2", "M8", "M10"), f"{civic_note} {FYCY} {FLAT}")
dem("civic_hatch", civic_hatch, cite("M2", "M8", "M10"), f"{civic_note} {FYCY} {FLAT}")
dem("civic_hatch_hybrid", civic_hatch_h, cite("M2", "M8", "M10"), f"{civic_note} {FYCY} {FLAT}")
dem("civic_type_r", type_r, cite("M11"), f"No Type R figure; assumed 2% of Civic ({type_r:,}); the 2024 manual take rate of 7.2% covers Si, Type R and manual hatches, so 2% is within it. {FLAT}")
dem("prelude", 1000, cite("F_S92"), "Launched late 2025 (Dec 174, Jan-2026 216 sales). FY2025 assumed 1,000 (~250/month over Dec-Mar). FY2026-FY2030: 4,000/yr, Honda's US plan (sales are running below it).", {y: 4000 for y in range(2026, 2031)})
accord_note = f"Accord 2025 not published: {accord25:,} from the Honda cars ~390,000 split in the 2024 Civic:Accord ratio; hybrid share 50% (Apr-2025 >60%, Sep-2025 47%, 2023 48.7%; M8, M10, M9)."
dem("accord", accord_i, cite("M2", "M13", "M10"), f"{accord_note} {FYCY} {FLAT}")
dem("accord_hybrid", accord_h, cite("M2", "M13", "M10"), f"{accord_note} {FYCY} {FLAT}")
dem("hr_v", hrv, cite("M2", "M14"), f"CY2025: Pilot + HR-V >270,000 less Pilot 124,209 = {hrv:,} (lower bound). {FYCY} {FLAT}")
dem("pilot", 124209, cite("M14"), f"CY2025. {FYCY} {FLAT}")
dem("passport", 55231, cite("M14"), f"CY2025. {FYCY} {FLAT}")
dem("odyssey", odyssey25, cite("M15", "M16"), f"CY2025 >88,000 (+10%): 80,293 x 1.10 = {odyssey25:,}. {FYCY} {FLAT}")
dem("ridgeline", ridgeline25, cite("M21"), f"CY2025 annualised from Jan-Sep 2025 37,385 x 4/3. {FYCY} {FLAT}")
dem("prologue", 40000, cite("M16"), f"CY2025 ~40,000. {FYCY} {FLAT}")
acura_note = (f"Acura 2025 133,433 less ADX 20,000, ZDX 11,915 (Jan-Sep), TLX {tlx_cy25:,} (H1 3,634 + run-out, assumed), Integra {integra25:,} (H1 >10,900 x 2) = {acura_rest:,} for MDX + RDX, split in the 2024 ratio 50,112:42,988 (MDX 2024 derived in model_sales.md).")
dem("mdx", mdx25, cite("M2", "M3", "M4"), f"{acura_note} {FYCY} {FLAT}")
dem("rdx", rdx25, cite("M2", "M3", "M26"), f"{acura_note} {FYCY} RDX production ends by end-2026: FY2026 = 9/12 of FY2025 (Apr-Dec 2026), 0 from FY2027.", {2026: round(rdx25 * 9 / 12), **{y: 0 for y in range(2027, 2031)}})
dem("integra", integra25, cite("M27"), f"H1-2025 >10,900 (more than 3 x TLX H1) x 2 = 21,800 (lower bound). {FYCY} {FLAT}")
dem("tlx", round(3634 / 6 * 4), cite("M28", "M24"), "H1-2025 3,634 (~606/month); production ended Jul 2025, so FY2025 = Apr-Jul = 4 months = 2,423. 0 from FY2026.", {y: 0 for y in range(2026, 2031)})
dem("adx", 20000, cite("M2"), f"CY2025 >20,000 (launched Mar 2025; lower bound). {FYCY} {FLAT}")
dem("zdx", round(11915 / 9 * 6), cite("M10"), "Jan-Sep 2025 11,915 (~1,324/month); discontinued in 2025: FY2025 = Apr-Sep = 6 months = 7,943, then 0.", {y: 0 for y in range(2026, 2031)})
# Mitsubishi
dem("outlander", 35895, cite("T1"), f"CY2025. {FYCY} {FLAT}")
dem("outlander_phev", 6294, cite("T1"), f"CY2025. {FYCY} {FLAT}")
dem("outlander_sport", 20480, cite("T2"), f"CY2025. {FYCY} {FLAT}")
dem("eclipse_cross", 17508, cite("T1"), f"CY2025. {FYCY} {FLAT}")
dem("mirage", 0, cite("X_MIRAGE_END", "T1"), "CY2025 sales 14,577 came from dealer stock: Mitsubishi said US-market production would cease late 2024 with stock lasting into summer 2025, so no Mirage units enter the US in FY2025 or later (0 in all years).", {y: 0 for y in range(2026, 2031)})

assert set(D) == set(NPD), set(NPD) ^ set(D)
DEMAND = {}
for n, (fy25, later, src, asm) in D.items():
    for y in YEARS:
        u = fy25 if y == 2025 else later.get(y, fy25)
        DEMAND[(n, y)] = u
        add("demand", nameplate=n, market="US", fiscal_year=y, units=float(u), source=src, assumption=asm)

# --------------------------------------------------------------------------
# plants
# --------------------------------------------------------------------------
PLATFORM_NOTE = "Platform names are this dataset's vocabulary (not published tooling lists): a plant lists the platforms of the nameplates it builds today."
PL = [
    # plant, company, name, country, kind, capacity, utilisation, platforms, source, assumption
    ("nissan_smyrna", "nissan", "Nissan Smyrna Vehicle Assembly, Smyrna TN", "US", "vehicle", 640000, 0.49, "nissan_cmf_cd", cite("F_S1", "F_S2", "F_S4"), f"Capacity 640,000 on three shifts; 2024 ~314,500 built -> ~49% (derived in footprint.md). Builds Rogue, Pathfinder, Murano, QX60. {PLATFORM_NOTE}"),
    ("nissan_canton", "nissan", "Nissan Canton Vehicle Assembly, Canton MS", "US", "vehicle", 410000, 0.51, "nissan_cmf_cd;nissan_f_alpha", cite("F_S17", "F_S2"), f"Capacity 410,000 (AN 2024; 450,000 in 2017-19); FY to Mar 2025 forecast ~210,000 -> ~51%. Builds Altima (CMF-C/D) and Frontier (F-Alpha); Titan ended 2024. {PLATFORM_NOTE}"),
    ("nissan_aguascalientes_a1", "nissan", "Nissan Aguascalientes A1, Aguascalientes", "MX", "vehicle", 370000, None, "nissan_cmf_b;nissan_v", cite("F_S24", "F_S25", "F_S29"), f"Capacity: line rate 65/hr ~370,000/yr (2016); the new Kicks line (34/hr ~200,000) may be additional - not counted. Builds Kicks, Kicks Play, Versa (US production ended Dec 2025). {PLATFORM_NOTE}"),
    ("nissan_aguascalientes_a2", "nissan", "Nissan Aguascalientes A2, Aguascalientes", "MX", "vehicle", 175000, None, "nissan_cmf_cd", cite("F_S30", "F_S22"), f"Capacity ~175,000 at the 2013 opening. Builds US-bound Sentra. {PLATFORM_NOTE}"),
    ("nissan_compas", "nissan", "COMPAS (Nissan-Daimler JV), Aguascalientes", "MX", "vehicle", 230000, None, "infiniti_qx50", cite("F_S31", "F_S33"), f"Design capacity 230,000. Infiniti QX50/QX55 US orders paused Apr 2025, Infiniti production ended Nov 2025, plant closes 31 May 2026. {PLATFORM_NOTE}"),
    ("nissan_kyushu", "nissan", "Nissan Motor Kyushu, Kanda, Fukuoka", "JP", "vehicle", float(rogue_kyushu_2024), None, "nissan_cmf_cd", cite("F_S12", "F_S38", "F_S10a"), f"Installed capacity not in the research. Capacity here is the capacity available to the US: the derived 2024 US-bound Rogue volume ({rogue_kyushu_2024:,} = 16% Japan share x 924,008 less the other Japan-built models), so the planner cannot add Japan volume above its pre-tariff level. {PLATFORM_NOTE}"),
    ("nissan_shatai_kyushu", "nissan", "Nissan Shatai Kyushu, Fukuoka", "JP", "vehicle", float(armada + 2 * 6936), None, "nissan_y62", cite("F_S5", "F_S41"), f"Installed capacity not in the research (the plant also builds the Patrol). Capacity here = the US load assumed for FY2025 (Armada {armada:,} + QX80 {2*6936:,}). {PLATFORM_NOTE}"),
    ("nissan_tochigi", "nissan", "Nissan Tochigi, Kaminokawa, Tochigi", "JP", "vehicle", float(19798 + 2 * 3789 + gtr_2024 + q50_2024 + leaf), None, "nissan_cmf_ev;nissan_fm;nissan_pm", cite("F_S42", "F_S43", "F_S44"), f"Installed capacity not in the research. Capacity here = the peak US load in the data (Ariya 2024 19,798 + Z + GT-R + Q50 + LEAF). Z/GT-R/Q50 at Tochigi is from a secondary source; the US LEAF (3rd gen) plant is assumed to be Tochigi (Ariya's CMF-EV plant), not confirmed. {PLATFORM_NOTE}"),
    ("nissan_decherd", "nissan", "Nissan Decherd Powertrain, Decherd TN", "US", "powertrain", 950000, None, "nissan_engine_i4;nissan_engine_v6;nissan_emotor", cite("F_S35", "F_S2"), "950,000 engines a year (2007-2011 figure); 4/6/8-cylinder engines and EV e-motors. Output reduced in 2025."),
    ("honda_marysville", "honda", "Honda Marysville Auto Plant, Marysville OH", "US", "vehicle", 440000, None, "honda_midsize_car;honda_compact_car", cite("F_S45", "F_S47", "F_S48"), f"Capacity 440,000 (2004 figure); consolidated to one line in 2024. Builds Accord/Accord Hybrid, Integra, TLX (ended Jul 2025). {PLATFORM_NOTE}"),
    ("honda_east_liberty", "honda", "Honda East Liberty Auto Plant, East Liberty OH", "US", "vehicle", 240000, None, "honda_compact_suv;acura_rdx;honda_global_light_truck", cite("F_S52", "F_S53", "F_S54"), f"Capacity 240,000 (2010 figure). Builds CR-V/CR-V Hybrid, Acura RDX and MDX. {PLATFORM_NOTE}"),
    ("honda_greensburg", "honda", "Honda Indiana Auto Plant, Greensburg IN", "US", "vehicle", 250000, 1.0, "honda_compact_suv;honda_compact_car;honda_midsize_car", cite("F_S56", "F_S57", "F_S47"), f"Capacity 250,000 (2025); ~1,000 vehicles/day, i.e. running at about capacity (utilisation 1.0 is our reading of that). Builds CR-V (incl. hybrid), Civic Hatchback and Hatchback Hybrid; Accord was planned from 2025 (not confirmed). {PLATFORM_NOTE}"),
    ("honda_lincoln", "honda", "Honda Alabama Auto Plant, Lincoln AL", "US", "vehicle", 340000, None, "honda_global_light_truck", cite("F_S62", "F_S64"), f"Capacity 340,000 (2017 figure; 2018 output 356,569). Sole source of Pilot, Passport, Odyssey, Ridgeline; also builds V6 engines. {PLATFORM_NOTE}"),
    ("honda_alliston", "honda", "Honda of Canada Mfg., Alliston ON", "CA", "vehicle", 400000, 1.0, "honda_compact_suv;honda_compact_car", cite("F_S65", "F_S55"), f"Capacity 400,000 vehicles; 2024 built ~420,000 (>100%, recorded as 1.0). Builds CR-V/CR-V Hybrid and Civic sedan/Si (+ sedan hybrid, assumed). {PLATFORM_NOTE}"),
    ("honda_celaya", "honda", "Honda de Mexico, Celaya, Guanajuato", "MX", "vehicle", 200000, None, "honda_small_suv", cite("F_S71", "F_S75", "X_ADX_CELAYA"), f"Capacity 200,000 (2014-16 figure). Builds all HR-V since 2020 and the Acura ADX since 2025. {PLATFORM_NOTE}"),
    ("gm_ramos_arizpe", "honda", "GM Ramos Arizpe Assembly, Coahuila (GM-owned; builds for Honda)", "MX", "vehicle", float(40000 + round(11915 / 9 * 6)), None, "gm_bev3", cite("F_S79", "F_S80"), f"GM-owned plant; company is 'honda' because American Honda is assumed to be the importer of record of the finished Prologue/ZDX it buys from GM (no source states who imports). Capacity here = Honda's FY2025 volume (Prologue 40,000 + ZDX 7,943), not the plant's installed capacity. ZDX at Ramos Arizpe is unverified. {PLATFORM_NOTE}"),
    ("honda_yorii", "honda", "Honda Saitama Factory, Yorii", "JP", "vehicle", float(type_r + 2000 + 4000), None, "honda_compact_car", cite("F_S88", "F_S59", "F_S91"), f"Installed capacity not used: capacity here = the US load (Type R {type_r:,} + ~2,000 Civic Hatchback Hybrids in Apr-Jun 2025 + Prelude plan 4,000). The Prelude plant is not confirmed; assumed Yorii (Civic-platform sibling of the Type R). {PLATFORM_NOTE}"),
    ("honda_anna", "honda", "Honda Anna Engine Plant, Anna OH", "US", "powertrain", 1160000, None, "honda_engine_v6;honda_engine_i4_turbo;honda_engine_2.0_hybrid", cite("F_S82", "F_S83"), "1.16M 4/6-cylinder engines (2015 figure); builds V6, 1.5T, 2.0T, 3.0T and the 2.0L Atkinson engine of the two-motor hybrid."),
    ("honda_russells_point", "honda", "Honda Transmission Mfg. (TMP-O), Russells Point OH", "US", "powertrain", float(round(0.61 * 216000) + accord_h + civic_hatch_h), None, "honda_cvt;honda_two_motor_hybrid", cite("F_S85", "F_S82"), "Capacity not public. Set to the two-motor hybrid units needed by US-built hybrids in FY2025 (US-built CR-V Hybrid ~61% of 216,000 + Accord Hybrid + Civic Hatchback Hybrid) - a lower bound."),
    ("honda_tallapoosa", "honda", "Honda Precision Parts of Georgia, Tallapoosa GA", "US", "powertrain", float(124209 + 55231 + odyssey25 + ridgeline25 + mdx25), None, "honda_10at;honda_two_motor_hybrid", cite("F_S86"), "Capacity not public. Set to the FY2025 output of the 10-speed automatic users (Pilot, Passport, Odyssey, Ridgeline, MDX) - a lower bound."),
    ("honda_alliston_engine", "honda", "Honda of Canada Mfg. engine plant, Alliston ON", "CA", "powertrain", 190000, None, "honda_engine_i4", cite("F_S65"), "190,000 4-cylinder engines."),
    ("honda_celaya_cvt", "honda", "Honda de Mexico CVT plant, Celaya", "MX", "powertrain", 350000, None, "honda_cvt", cite("F_S73"), "350,000 CVTs."),
    ("mitsubishi_okazaki", "mitsubishi", "Mitsubishi Motors Okazaki Plant, Aichi", "JP", "vehicle", float(45253 + 6975 + 17508 + 9000), None, "nissan_cmf_cd;mmc_gs", cite("T7", "T6", "T17"), "Installed capacity not in the research. Capacity here = the peak US load in the data (Outlander 2024 45,253 + Outlander PHEV 2024 6,975 + Eclipse Cross 2025 17,508 + Rogue PHEV 9,000 assumed built here). Outlander shares the Rogue's CMF-C/D platform (T17); names are our vocabulary."),
    ("mitsubishi_mizushima", "mitsubishi", "Mitsubishi Motors Mizushima Plant, Okayama", "JP", "vehicle", 20480, None, "mmc_gs", cite("T6"), "Installed capacity not in the research. Capacity here = the US load (Outlander Sport 2025 20,480). Outlander Sport moved here in 2017; no later change found."),
    ("mitsubishi_laem_chabang", "mitsubishi", "Mitsubishi Motors Thailand, Laem Chabang", "TH", "vehicle", 29766, None, "mmc_small", cite("T8", "X_MIRAGE_END"), "Installed capacity not in the research. Capacity here = the last US Mirage load (2024 sales 29,766). US-market Mirage production ceased late 2024; Thai Mirage production ended end-2025."),
]
PLD = {}
for (p, co, name, ctry, kind, cap, util, pfs, src, asm) in PL:
    PLD[p] = dict(company=co, country=ctry, kind=kind)
    add("plants", plant=p, company=co, name=name, country=ctry, kind=kind, capacity_units=float(cap),
        utilisation="" if util is None else util, platforms=pfs, source=src, assumption=asm)

# --------------------------------------------------------------------------
# sourcing
# --------------------------------------------------------------------------
rogue_smyrna = round(172533 / 245724, 4)
crv_alliston = 0.39
crv_elp = 0.29
crv_iap = round(1 - crv_alliston - crv_elp, 2)
yorii_hh_25 = round(2000 / civic_hatch_h, 4)
SRC = {}  # (nameplate, year) -> list[(plant, share, src, asm)]


def src_all(n, plant, src, asm, years=YEARS):
    for y in years:
        SRC[(n, y)] = [(plant, 1.0, src, asm)]


single = [
    ("rogue_phev", "mitsubishi_okazaki", cite("F_S114", "T7"), "Rebadged Outlander PHEV; plant not confirmed, assumed Okazaki where the Outlander PHEV is built (T7)."),
    ("sentra", "nissan_aguascalientes_a2", cite("F_S22"), "US-bound Sentra at A2; a move to Canton was only under study (May 2025)."),
    ("altima", "nissan_canton", cite("F_S2", "F_S17"), "Altima built at Canton."),
    ("kicks", "nissan_aguascalientes_a1", cite("F_S27", "F_S25"), "2nd-gen Kicks and Kicks Play at Aguascalientes A1."),
    ("versa", "nissan_aguascalientes_a1", cite("F_S29"), "Versa at Aguascalientes A1 (shares kept at 1 in years with zero demand)."),
    ("pathfinder", "nissan_smyrna", cite("F_S1"), "Pathfinder built at Smyrna."),
    ("murano", "nissan_smyrna", cite("F_S7"), "'Assembled exclusively in the U.S.' at Smyrna."),
    ("frontier", "nissan_canton", cite("F_S2"), "Frontier built at Canton (two shifts)."),
    ("armada", "nissan_shatai_kyushu", cite("F_S5", "F_S41"), "Armada built at Nissan Shatai Kyushu."),
    ("ariya", "nissan_tochigi", cite("F_S42", "F_S44"), "Ariya built at Tochigi (shares kept at 1 in years with zero demand)."),
    ("leaf", "nissan_tochigi", cite("F_S119"), "US-market plant for the 3rd-gen LEAF not confirmed (Sunderland builds it for Europe); assumed Tochigi, Ariya's CMF-EV plant."),
    ("z", "nissan_tochigi", cite("F_S43"), "(secondary source) Z at Tochigi."),
    ("gt_r", "nissan_tochigi", cite("F_S43"), "(secondary source) GT-R at Tochigi."),
    ("qx60", "nissan_smyrna", cite("F_S1", "F_S5"), "QX60 built at Smyrna."),
    ("qx80", "nissan_shatai_kyushu", cite("F_S5"), "QX80 built at Nissan Shatai Kyushu."),
    ("qx50", "nissan_compas", cite("F_S33"), "QX50 at COMPAS; demand is zero, share kept at 1 so shares sum to one."),
    ("qx55", "nissan_compas", cite("F_S33"), "QX55 at COMPAS; demand is zero, share kept at 1 so shares sum to one."),
    ("q50", "nissan_tochigi", cite("F_S43"), "(secondary source) Q50 at Tochigi."),
    ("civic_sedan", "honda_alliston", cite("F_S65"), "Civic sedan / Si built at Alliston."),
    ("civic_sedan_hybrid", "honda_alliston", cite("F_S65"), "Civic sedans are Alliston-built; the sedan hybrid's plant is not stated in the research and is assumed Alliston."),
    ("civic_hatch", "honda_greensburg", cite("F_S57"), "Civic Hatchback built at Greensburg."),
    ("civic_type_r", "honda_yorii", cite("F_S88"), "Type R built at Yorii; the only Honda built in Japan for the US after the hatch-hybrid move (F_S91)."),
    ("prelude", "honda_yorii", cite("F_S93"), "Japan-built; plant not confirmed, assumed Yorii."),
    ("accord", "honda_marysville", cite("F_S47", "F_S48"), "Sources list the Accord at Marysville; the 2023 plan to move it to Greensburg in 2025 is not confirmed, so 100% Marysville is assumed (same tariff treatment either way)."),
    ("accord_hybrid", "honda_marysville", cite("F_S47", "F_S54"), "As Accord: Marysville assumed."),
    ("hr_v", "honda_celaya", cite("F_S75"), "All HR-V production consolidated at Celaya since 2020; a Nikkei report of a move to the US is unconfirmed."),
    ("pilot", "honda_lincoln", cite("F_S64"), "Lincoln is the sole source."),
    ("passport", "honda_lincoln", cite("F_S64"), "Lincoln is the sole source."),
    ("odyssey", "honda_lincoln", cite("F_S64"), "Lincoln is the sole source."),
    ("ridgeline", "honda_lincoln", cite("F_S64"), "Lincoln is the sole source."),
    ("prologue", "gm_ramos_arizpe", cite("F_S79"), "Built by GM at Ramos Arizpe."),
    ("zdx", "gm_ramos_arizpe", cite("F_S80"), "Ramos Arizpe per Vanguardia (unverified); zero demand after FY2025."),
    ("mdx", "honda_east_liberty", cite("F_S53"), "MDX built at East Liberty."),
    ("rdx", "honda_east_liberty", cite("F_S53"), "RDX built at East Liberty."),
    ("integra", "honda_marysville", cite("F_S48"), "Integra built at Marysville."),
    ("tlx", "honda_marysville", cite("F_S48"), "TLX built at Marysville until Jul 2025."),
    ("adx", "honda_celaya", cite("X_ADX_CELAYA"), "ADX built at Celaya."),
    ("outlander", "mitsubishi_okazaki", cite("T7"), "Okazaki."),
    ("outlander_phev", "mitsubishi_okazaki", cite("T7"), "Okazaki."),
    ("eclipse_cross", "mitsubishi_okazaki", cite("T6"), "Okazaki since 2017."),
    ("outlander_sport", "mitsubishi_mizushima", cite("T6"), "Mizushima since 2017; no later change found."),
    ("mirage", "mitsubishi_laem_chabang", cite("T8"), "Laem Chabang was the Mirage export hub; zero demand from FY2025."),
]
for n, p, s_, a_ in single:
    src_all(n, p, s_, a_)

rogue_asm = (f"FY2025 Smyrna plan 172,533 units (+62,164 vs the pre-tariff forecast) over FY2025 demand 245,724 = {rogue_smyrna:.4f}; the rest from Nissan Motor Kyushu. "
             f"Cross-check: 2024 Kyushu volume derived from the ~16% Japan share is {rogue_kyushu_2024:,}; FY2025 Kyushu {round(245724*(1-rogue_smyrna)):,} reflects the 13,000-unit cut of May-Jul 2025 and more. "
             "The plan may include some Canada-bound Rogues (not stated). FY2026-FY2030 kept at the FY2025 split.")
for y in YEARS:
    SRC[("rogue", y)] = [("nissan_smyrna", rogue_smyrna, cite("F_S12", "F_S4"), rogue_asm),
                         ("nissan_kyushu", round(1 - rogue_smyrna, 4), cite("F_S12", "F_S38"), rogue_asm)]
crv_asm = ("Honda: ~530k units a year from Canada and Mexico in the FY2025 tariff estimate (S53/S54). Mexico-built in FY2025 here = HR-V + ADX + Prologue + ZDX ~= 213,700, "
           "so Canada ~= 316,300; less Civic sedans (~160,000, all from Alliston) leaves ~156,000 CR-Vs from Alliston = 39% of 400,000 (consistent with Alliston's ~210,000 CR-Vs in 2024, ~half of 420,000, less Canadian-market CR-Vs). "
           "The US-built 61% is split between East Liberty (29%) and Greensburg (32%) in proportion to the room each has after its other models (ELP 240k less MDX+RDX ~75k; IAP 250k less Civic hatches ~69k). Same split for ICE and hybrid (no source). FY2026-FY2030 unchanged (the May 2025 Alliston-to-Ohio shift was described as 'a small portion').")
for n in ("cr_v", "cr_v_hybrid"):
    for y in YEARS:
        SRC[(n, y)] = [("honda_alliston", crv_alliston, cite("S53", "S54", "F_S55", "F_S65"), crv_asm),
                       ("honda_east_liberty", crv_elp, cite("F_S54", "F_S52"), crv_asm),
                       ("honda_greensburg", crv_iap, cite("F_S57", "F_S56"), crv_asm)]
hh_asm = (f"Civic Hatchback Hybrid: ~3,000 built at Yorii Feb-Jun 2025, then moved to Greensburg; ~2,000 of them assumed to enter in Apr-Jun 2025 (FY2025) = {yorii_hh_25:.4f} of FY2025 demand; Greensburg from FY2026.")
SRC[("civic_hatch_hybrid", 2025)] = [("honda_yorii", yorii_hh_25, cite("F_S59", "F_S91"), hh_asm),
                                     ("honda_greensburg", round(1 - yorii_hh_25, 4), cite("F_S57", "F_S59"), hh_asm)]
for y in range(2026, 2031):
    SRC[("civic_hatch_hybrid", y)] = [("honda_greensburg", 1.0, cite("F_S57", "F_S59"), hh_asm)]

for (n, y), lst in sorted(SRC.items()):
    for (p, sh, s_, a_) in lst:
        add("sourcing", nameplate=n, plant=p, market="US", fiscal_year=y, share=sh, source=s_, assumption=a_)

# --------------------------------------------------------------------------
# costs
# --------------------------------------------------------------------------
R_PRE = 0.78        # customs / ex-factory value as a share of base MSRP (pre-cut)
CUT_JP = 0.85       # FY2025 Japan export (transfer) price level vs 2024 (-15%)
VC_RATIO = 0.85     # variable cost as a share of pre-cut ex-factory value
COUNTRY_VC = {"US": 1.00, "CA": 1.00, "MX": 0.95, "JP": 0.97, "TH": 0.93}
# Honda's own May-2025 breakdown (S53/S54): finished-vehicle tariffs of 300B yen for FY2025,
# "mostly" its ~530,000 Canadian and Mexican units, at the full 25% on the full value (Honda
# assumed no US-content relief until certification). At the 147.89 yen/$ of that announcement:
# 300e9 / 147.89 / 530,000 / 0.25 = $15,306 of customs value per unit. Divided by the FY2025
# unit-weighted base MSRP of Honda's Canadian and Mexican units in this dataset ($29,927): 0.511.
HONDA_CAMX_VALUE = 300e9 / 147.89 / 530_000 / 0.25
HONDA_CAMX_MSRP = 29_927.0
R_HONDA_CAMX = round(HONDA_CAMX_VALUE / HONDA_CAMX_MSRP, 3)
HONDA_CAMX_PLANTS = {"honda_alliston", "honda_celaya", "gm_ramos_arizpe"}
LOGI = {"US": 1000.0, "CA": 1200.0, "MX": 1400.0, "JP": 2200.0, "TH": 2600.0}
US_CONTENT = {"MX": 0.25, "CA": 0.25, "JP": 0.0, "TH": 0.0}

# parts content of US assembly plants (share of ex-factory value)
NISSAN_PARTS = [("JP", False, 0.16), ("MX", True, 0.18), ("CA", True, 0.02), ("CN", False, 0.07), ("other", False, 0.11)]
HONDA_PARTS = [("JP", False, 0.08), ("MX", True, 0.07), ("CA", True, 0.04), ("CN", False, 0.03), ("other", False, 0.05)]
PARTS = {"nissan_smyrna": NISSAN_PARTS, "nissan_canton": NISSAN_PARTS,
         "honda_marysville": HONDA_PARTS, "honda_east_liberty": HONDA_PARTS,
         "honda_greensburg": HONDA_PARTS, "honda_lincoln": HONDA_PARTS}
US_CONTENT_US = {p: round(1 - sum(s for _, _, s in v), 4) for p, v in PARTS.items()}

CV_ASM = {
    "JP": (f"Customs value = transfer price to the US sales company (FOB). Pre-tariff ratio {R_PRE} x base MSRP: base MSRP understates the sold mix, and the importer's price sits below MSRP by the dealer and distributor margins; checked against the sourced 2024 average of ~$29,500 per Japan-built import (US data: $39.9-40.0B / 1.30-1.38M units). "
           f"FY2025: x {CUT_JP} for the Japanese export-price cut (BOJ export prices of cars to North America -19% to -20% y/y May-Sep 2025 and -13% in Oct; MoF unit value ~3.41M yen in Jul 2025 vs ~4.6M a year earlier). The cut is treated as a lasting cut of the transfer price, which is the duty base: -15% is our FY average of the published months, tapering after the 15% deal. Combined ratio {round(R_PRE*CUT_JP,3)} x MSRP."),
    "MX": (f"Customs value = transfer price at the border, {R_PRE} x base MSRP (same ratio as pre-cut Japan imports; no evidence of a cut for USMCA plants). Check: the sourced S&P average landed cost of a Mexico/Canada-built vehicle is $25,000. "
           "Note: Honda's own May-2025 figure (300B yen for finished vehicles, 'mostly' 530k CA/MX units at the full 25%) implies only ~$15,300 per unit, i.e. a lower value or partial certification; we did not adopt it because it mixes in other imports and timing."),
    "CA": None,
    "TH": f"Customs value {R_PRE} x MSRP proxy (Mirage ATP); no Thai-specific evidence.",
    "US": f"US-built: ex-factory value {R_PRE} x base MSRP (same ratio as imports before the Japanese cut); the base of the imported-parts duty.",
}
CV_ASM["CA"] = CV_ASM["MX"]
CV_SRC = {
    "JP": cite("S118", "S120", "S121", "S127", "S128", "S129", "S130", "S132", "S45", "S42", "S44"),
    "MX": cite("S116", "S53", "S54", "S42", "S44"),
    "CA": cite("S116", "S53", "S54", "S42", "S44"),
    "TH": cite("S42"),
    "US": cite("S9"),
}
USC_ASM = {
    "MX": "US content of USMCA vehicles: 0.25 of customs value = 35% US-origin share of the content of Mexican-assembled vehicles (Mexico's Economy Secretary) x ~0.72 parts share of vehicle value (parts ~70-75% of value added; Klier & Rubenstein, Chicago Fed), because Mexican assembly value-add and margin are non-US. Bounds: OECD TiVA puts US value at ~15% of all US manufacturing imports from CA/MX; the USITC July-2025 average 19% tariff on CA/MX cars implies ~0.24 US share if all were certified. Same value for every MX plant (no model-level figure found).",
    "CA": "US content of USMCA vehicles: 0.25, the Mexican anchor (35% US-origin content x ~0.72 parts share) applied to Alliston: no Canadian or model-level figure found; Honda's Canadian and Mexican plants draw on the same Ohio-centred engine/transmission/hybrid supply (e.g. the two-motor hybrid unit from TMP-O), so we see no reason to set it lower. Bound: USITC July-2025 average 19% tariff on CA/MX cars implies ~0.24 if all were certified.",
    "JP": "Japan-built: not USMCA, so US content does not reduce the duty; set to 0.",
    "TH": "Thailand-built: not USMCA; set to 0.",
}
USC_SRC = {"MX": cite("X_EBRARD", "X_KLIER", "X_CHIFED", "X_OECD", "X_TDCOWEN"),
           "CA": cite("X_EBRARD", "X_KLIER", "X_CHIFED", "X_TDCOWEN"),
           "JP": "", "TH": ""}
LOGI_ASM = ("Logistics plant -> US dealer per unit (judgment): US plants $1,000 (rail/truck; the ~$1,350 destination charge on a US-built CR-V is billed to the buyer and sets the scale), "
            "Canada $1,200 (cross-border rail), Mexico $1,400 (rail across the border), Japan $2,200 (ro-ro ocean freight + port + inland), Thailand $2,600 (longer ocean leg).")
VC_ASM = (f"No source. Variable cost = {VC_RATIO} x pre-cut ex-factory value ({R_PRE} x MSRP) x a country factor (US/CA 1.00, MX 0.95 for lower wages on an assumed small direct-labour share, JP 0.97 for the weak yen, TH 0.93). "
          "Same formula at a candidate (not-yet-tooled) plant; retooling cost is not included.")

# candidate (alternative) plants: nameplate -> list of (plant, why)
ALT = {
    "cr_v": [("nissan_smyrna", "Candidate: Honda compact SUV in Nissan's under-used Smyrna (49% utilised); needs tooling (platform not in the plant list). Nissan-Honda talks on using Nissan US capacity (seed article)."),
             ("nissan_canton", "Candidate: Honda compact SUV in Canton (51% utilised); needs tooling.")],
    "cr_v_hybrid": [("nissan_smyrna", "Candidate: as CR-V; needs tooling and hybrid units from TMP-O/Anna."),
                    ("nissan_canton", "Candidate: as CR-V; needs tooling.")],
    "hr_v": [("honda_greensburg", "Candidate: Nikkei (Apr 2025) reported HR-V moving to the US (unconfirmed); Greensburg builds the Civic-platform family."),
             ("honda_east_liberty", "Candidate: US move of HR-V (Nikkei report); East Liberty builds compact SUVs."),
             ("nissan_smyrna", "Candidate: Honda small SUV in Nissan Smyrna; needs tooling.")],
    "civic_sedan": [("honda_greensburg", "Candidate: Greensburg already builds the Civic hatchback (same platform)."),
                    ("nissan_canton", "Candidate: sedan in Canton's Altima line space; needs tooling.")],
    "civic_sedan_hybrid": [("honda_greensburg", "Candidate: next-gen Civic Hybrid planned at Greensburg from 2028 (F_S58/F_S60).")],
    "accord": [("honda_greensburg", "Candidate: the 2023 plan moved Accord to Greensburg in 2025 (F_S47)."),
               ("nissan_canton", "Candidate: midsize sedan in Canton's Altima space; needs tooling.")],
    "accord_hybrid": [("honda_greensburg", "Candidate: as Accord.")],
    "pilot": [("nissan_smyrna", "Candidate: three-row SUV in Smyrna (Pathfinder-sized); needs tooling.")],
    "passport": [("nissan_smyrna", "Candidate: midsize SUV in Smyrna; needs tooling.")],
    "sentra": [("nissan_canton", "Candidate: Automotive News (May 2025) reported Nissan weighing US-bound Sentra at Canton (F_S22); CMF-C/D is already in Canton (Altima).")],
    "kicks": [("nissan_canton", "Candidate: small SUV moved to Canton; needs tooling.")],
    "rogue": [("nissan_canton", "Candidate: Canton has CMF-C/D (Altima) and spare capacity.")],
    "outlander": [("nissan_smyrna", "Candidate: Mitsubishi studied joint SUV production at a Nissan US plant (May 2025, T9); the Outlander shares the Rogue's platform (T17), which Smyrna builds.")],
    "outlander_phev": [("nissan_smyrna", "Candidate: as Outlander (shared platform; PHEV system would be imported or localised).")],
    "rogue_phev": [("nissan_smyrna", "Candidate: Rogue PHEV on the Rogue line in Smyrna (shared platform).")],
    "eclipse_cross": [("nissan_smyrna", "Candidate: Mitsubishi joint US production study (T9); needs tooling (GS platform).")],
    "armada": [("nissan_canton", "Candidate: body-on-frame SUV in Canton (F-Alpha, the 1st-gen Armada was built there); needs Y62 tooling.")],
    "qx80": [("nissan_canton", "Candidate: as Armada.")],
    "civic_type_r": [("honda_greensburg", "Candidate: Civic hatch body is built at Greensburg; the Type R stayed in Japan for specialised processes (F_S88).")],
}


def cost_row(n, p, why):
    ctry = PLD[p]["country"]
    msrp = NPD[n]["msrp"]
    honda_camx = p in HONDA_CAMX_PLANTS
    if ctry == "JP":
        cv = R_PRE * CUT_JP * msrp
    elif honda_camx:
        cv = R_HONDA_CAMX * msrp
    else:
        cv = R_PRE * msrp
    vc = VC_RATIO * R_PRE * msrp * COUNTRY_VC[ctry]
    if ctry == "US":
        usc = US_CONTENT_US[p] if p in US_CONTENT_US else 1.0
        usc_asm = (f"US plant: US content = 1 - imported parts share of this plant in parts_content.csv ({usc}); not used for vehicle duty (no import)."
                   if p in US_CONTENT_US else "US plant without parts data: set to 1.")
        usc_src = ""
    else:
        usc, usc_asm, usc_src = US_CONTENT[ctry], USC_ASM[ctry], USC_SRC[ctry]
    usmca = ctry in ("MX", "CA")
    usmca_asm = ("USMCA-qualifying assumed for every Canadian/Mexican plant (Honda says the ADX meets the rules, X_ADX_CELAYA; no evidence of a non-qualifying model)." if usmca
                 else "Not a Canadian/Mexican plant: not USMCA.")
    built_today = any(pl == p for (nn, y), lst in SRC.items() if nn == n for (pl, sh, _, _) in lst)
    status = "Built here today (sourcing.csv)." if built_today else why
    src = " | ".join(x for x in [CV_SRC[ctry], usc_src] if x)
    cv_asm = CV_ASM[ctry]
    if honda_camx:
        cv_asm = (f"Honda's Canadian/Mexican units: {R_HONDA_CAMX} x base MSRP, derived from Honda's own FY2025 estimate of 13 May 2025 (S53/S54): 300B yen of finished-vehicle tariffs, mostly on ~530,000 Canadian and Mexican units, assumed at the full 25% on the full value; at 147.89 yen/$ that is 300e9/147.89/530,000/0.25 = ${HONDA_CAMX_VALUE:,.0f} per unit, "
                  f"over the unit-weighted base MSRP of those units here (${HONDA_CAMX_MSRP:,.0f}). Company-specific evidence replaces the generic {R_PRE} x MSRP (which gives ~$23,300 per unit and models Honda at 1.42x its Feb-2026 figure). It is an upper bound if the 300B yen also covered some Japanese imports. A related-party transfer price set near cost fits it.")
        src = " | ".join(x for x in [cite("S53", "S54"), usc_src] if x)
    asm = " ".join([status, "CUSTOMS VALUE:", cv_asm, "US CONTENT:", usc_asm, "USMCA:", usmca_asm, "VARIABLE COST:", VC_ASM, "LOGISTICS:", LOGI_ASM])
    cur, local, stated = COST_FX.get(ctry, ("", "", ""))
    if cur:
        asm += COST_FX_ASM[ctry]
    add("costs", nameplate=n, plant=p, customs_value_usd=round(cv, 2), variable_cost_usd=round(vc, 2),
        us_content_share=usc, usmca_qualifying="true" if usmca else "false", logistics_usd=LOGI[ctry],
        cost_currency=cur, local_cost_share=local, cost_fx_per_usd=stated,
        source=src, assumption=asm)


# the share of a plant's variable cost incurred in its own currency (judgment), and the rate at
# which variable_cost_usd states it; the planner converts it at each fiscal year's FX path
COST_FX = {"JP": ("JPY", 0.8, 150.0), "MX": ("MXN", 0.3, 19.5), "CA": ("CAD", 0.4, 1.38)}
COST_FX_ASM = {
    "JP": " LOCAL COST: 0.8 of the variable cost incurred in yen (Japanese assembly and mostly domestic parts; judgment), stated at 150 yen per USD (about the FY2025 mean of fx.csv, 146-156).",
    "MX": " LOCAL COST: 0.3 of the variable cost incurred in pesos (wages and local services; most parts priced in USD; judgment), stated at 19.5 pesos per USD (between the 20.34 Banxico FIX of Feb 2025 and the ~18 of late 2025 in fx.csv).",
    "CA": " LOCAL COST: 0.4 of the variable cost incurred in Canadian dollars (wages and Canadian parts; judgment), stated at 1.38 CAD per USD (the 2025 level in fx.csv)."}


done = set()
for (n, _y), lst in sorted(SRC.items()):
    for (p, _sh, _, _) in lst:
        if (n, p) not in done:
            done.add((n, p))
            cost_row(n, p, "")
for n, lst in ALT.items():
    for p, why in lst:
        if (n, p) not in done:
            done.add((n, p))
            cost_row(n, p, why)

# --------------------------------------------------------------------------
# parts_content
# --------------------------------------------------------------------------
NISSAN_PARTS_ASM = ("Nissan US plants: the Smyrna-built Rogue has only ~25% US content (NYT via NexusNews; read as the AALA US/Canadian parts share). With parts ~72% of vehicle value (Klier & Rubenstein: ~70% of value added; Chicago Fed: ~75%), "
                    "imported parts ~= 0.75 x 0.72 = 0.54 of ex-factory value. Split by origin is our judgment (no source): Mexico 0.18 (Nissan's large Mexican supply base, USMCA-compliant), Japan 0.16 (powertrain and electronic parts from the parent), Canada 0.02, China 0.07, other (Korea, Thailand, Europe) 0.11. Canton assumed the same as Smyrna (same supplier base; no Canton figure).")
HONDA_PARTS_ASM = ("Honda US plants: AALA US/Canadian parts content 75% for the Passport (2022) and 65% for the Ridgeline (2023), so non-US/CA parts are 25-35% of parts, i.e. ~0.18-0.25 of ex-factory value at ~0.72 parts share; "
                   "Klier & Rubenstein: more than one-fourth of the parts in US-assembled vehicles are imported; Proclamation 10925's offset design assumes imported parts worth 15% of MSRP (~0.19 of ex-factory value at 0.78); Honda's May-2025 estimate of 220B yen for parts and materials (~$6,000 per US-built unit at 25%) points to ~0.2. "
                   "Chosen: Mexico 0.07 (incl. CVTs from Celaya; USMCA-compliant), Canada 0.04 (compliant), Japan 0.08, China 0.03, other 0.05: total 0.27, non-US/CA 0.23, non-USMCA 0.16. Split by origin is our judgment; same for all four Honda US plants (no plant-level figure).")
# who imports: the automaker itself (importer of record) or its suppliers
OWN_IMPORT = {"JP": 0.5, "MX": 0.5, "CA": 0.5, "CN": 0.2, "other": 0.2}
OWN_IMPORT_ASM = (" IMPORTER OF RECORD (own_import_share; no source gives the split, which Proclamation 10925's offset application asks each maker to state as direct and suppliers' costs, B_ITT_IOR): "
                  "Japan 0.5 (half: powertrain and electronic parts shipped by the parent and its own Japanese plants; half: parts Japanese Tier-1 suppliers' US subsidiaries import for the modules they deliver); "
                  "China and other origins 0.2 (mostly sub-components bought through Tier-1 suppliers); Mexico and Canada 0.5 (USMCA-compliant and exempt, so the split does not change the duty).")
for p, lst in PARTS.items():
    is_n = p.startswith("nissan")
    for origin, comp, share in lst:
        add("parts_content", plant=p, origin=origin, usmca_compliant="true" if comp else "false", share=share,
            own_import_share=OWN_IMPORT[origin],
            source=(cite("X_ROGUE25", "X_KLIER", "X_CHIFED") if is_n else cite("X_PASSPORT75", "X_RIDGELINE65", "X_KLIER", "S9", "X_HONDA_MAY")) + " | " + cite("B_ITT_IOR"),
            assumption=(NISSAN_PARTS_ASM if is_n else HONDA_PARTS_ASM) + OWN_IMPORT_ASM)

# --------------------------------------------------------------------------
# reported
# --------------------------------------------------------------------------
NIS_ASM = "Nissan's US-tariff hit to FY2025 operating profit; Nissan sells no motorcycles or power products, so out_of_scope_share 0. Covers vehicles and parts (all origins)."
NET_ASM = " BASIS net: a change in operating profit includes the offset credit once it could be claimed; countermeasures before: stated as the tariff impact, with mitigation reported separately."
GROSS_ASM = " BASIS gross: published before the offset (Proclamation 10925 of 29 Apr 2025) had an application process (13 Jun 2025); countermeasures before."
add("reported", company="nissan", metric="tariff_cost", period="FY2025", as_of="2025-05-13", value=450e9, basis="gross", countermeasures="before", currency="JPY", out_of_scope_share=0.0,
    source=cite("S52", "F_S125"), assumption=NIS_ASM + " 'Up to' 450B yen, before mitigation and before the Japan deal (no full-year forecast issued then).")
add("reported", company="nissan", metric="tariff_cost", period="FY2025", as_of="2025-07-31", value=300e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.0,
    source=cite("S48", "S49"), assumption=NIS_ASM + " Cut from 450B after the 15% Japan deal.")
add("reported", company="nissan", metric="tariff_cost", period="FY2025", as_of="2025-10-30", value=275e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.0,
    source=cite("S46", "S47"), assumption=NIS_ASM + " $1.82B at 150.78 yen; H1 actual 149.7B.")
add("reported", company="nissan", metric="tariff_cost", period="FY2025", as_of="2026-02-12", value=275e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.0, tolerance=0.25,
    source=cite("S51", "S68"), assumption=NIS_ASM + " Kept at 275B; Apr-Dec actual 232B. This is the calibration target; tolerance 0.25 is the acceptance band the project set for Nissan (issue 2), not a property of the figure.")
HON_SPLIT = ("Out of scope = motorcycles and power products. Only the May-2025 breakdown is public: 130B of 650B (finished vehicles 300B, mostly 530k units from Canada and Mexico; parts and materials 220B; motorcycles and power products 130B) = 0.20. "
             "Later figures carry the same 0.20 share (proportional): the non-auto part fell with the Japan deal like the rest; carrying the 130B in absolute terms instead would leave 180B for autos in the Feb-2026 figure.")
add("reported", company="honda", metric="tariff_cost", period="FY2025", as_of="2025-05-13", value=650e9, basis="gross", countermeasures="before", currency="JPY", out_of_scope_share=0.20,
    source=cite("S53", "S54", "X_HONDA_MAY"), assumption="GROSS tariff impact before 200B of mitigation (net ~450B); assumed the full 25% on USMCA goods until origin was certified, and the 3.75% offset was not yet in place. " + HON_SPLIT)
add("reported", company="honda", metric="tariff_cost", period="FY2025", as_of="2025-08-06", value=450e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.20,
    source=cite("S55", "S2b", "X_HONDA_Q1"), assumption="Tariff impact after a 'detailed review' (re-evaluation, per Kyodo) and the 15% Japan deal; read as the same gross-impact line as May (mitigation such as pricing shown separately). One machine transcript says gross 400B; wire and Japanese press say 450B, which is used. Q1 actual 124.6B. " + HON_SPLIT)
add("reported", company="honda", metric="tariff_cost", period="FY2025", as_of="2025-11-07", value=385e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.20,
    source=cite("S56", "S57"), assumption="Cut from 450B; H1 actual 164.3B. Read as the same gross-impact line. " + HON_SPLIT)
add("reported", company="honda", metric="tariff_cost", period="FY2025", as_of="2026-02-10", value=310e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.20, tolerance=0.30,
    source=cite("S58", "S68"), assumption="Latest figure; Apr-Dec actual 289.8B. Read as the same gross-impact line. In scope for the model: 310B x 0.80 = 248B (calibration target); tolerance 0.30 is the acceptance band the project set for Honda (issue 2), not a property of the figure. " + HON_SPLIT)
add("reported", company="honda", metric="tariff_cost", period="FY2025", as_of="2025-05-13", value=450e9, basis="gross", countermeasures="after", currency="JPY", out_of_scope_share=0.20,
    source=cite("B_HONDA_MITIG"), assumption="The same day's figure net of 200B of mitigation (pricing, cost cuts): 650B - 200B. After countermeasures, so calibrate shows it without comparing (the model has no countermeasures). " + HON_SPLIT)
MIT_ASM = "Mitsubishi sells only vehicles in the US (no motorcycles); out_of_scope_share 0. All US sales are imported (no US plant)."
add("reported", company="mitsubishi", metric="tariff_cost", period="FY2025", as_of="2025-05-08", value=30e9, basis="gross", countermeasures="before", currency="JPY", out_of_scope_share=0.0,
    source=cite("T13", "T9"), assumption=MIT_ASM + " 'Direct' impact of ~30B implied by the Aug revision to 32B (+2B); at 25%; not stated as a figure in May itself.")
add("reported", company="mitsubishi", metric="tariff_cost", period="FY2025", as_of="2025-08-27", value=32e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.0,
    source=cite("T13", "T15"), assumption=MIT_ASM + " 'Direct' impact 32B at 15% from 1 Oct 2025 (27.5% until then, per the source); tariff payments 38.5B (a different measure, not recorded here); a further -19B from other regions is not US tariffs. Apr-Dec tariffs paid by the US unit: 37.3B.")

# the quarterly and nine-month figures of the Q3 results (research/news-2026.md 1a-1c)
NIS_Q3_SRC = "Jiji via nippon.com, news id yjj2026021201012 (12 Feb 2026); Reuters repost, globalbankingandfinance.com (12 Feb 2026); Nissan release (dubaiprnetwork, pr=190498): FY2025 tariff impact kept at 275B yen; April-December actual 232B, of which Q3 82.3B (research/news-2026.md 1a)"
add("reported", company="nissan", metric="tariff_cost", period="FY2025-9M", as_of="2026-02-12", value=232e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.0,
    source=NIS_Q3_SRC, assumption=NIS_ASM + " Nine-month actual (April-December 2025), published with the Q3 results; gross or net is not stated, read as net like the year's figure. Kept for history (no band).")
add("reported", company="nissan", metric="tariff_cost", period="FY2025Q3", as_of="2026-02-12", value=82.3e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.0,
    source=NIS_Q3_SRC, assumption=NIS_ASM + " Q3 alone (October-December 2025). Read as net like the year's figure. Kept for history (no band).")
add("reported", company="honda", metric="tariff_cost", period="FY2025-9M", as_of="2026-02-10", value=289.8e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.20,
    source="MINKABU via livedoor news 30565293 (10 Feb 2026): FY2025 tariff impact forecast cut to 310B yen (from 385B); April-December 289.8B; FX assumption 148 yen per USD (research/news-2026.md 1b)",
    assumption="Nine-month actual (April-December 2025) of the same gross-impact line as the year's figure. Kept for history (no band). " + HON_SPLIT)
add("reported", company="mitsubishi", metric="tariff_paid", period="FY2025-9M", as_of="2026-02-05", value=37.3e9, basis="net", countermeasures="before", currency="JPY", out_of_scope_share=0.0,
    source="japanir.jp 7211 (5 Feb 2026); livedoor news 30521369: April-December 2025 tariffs paid by the US unit 37.3B yen (research/news-2026.md 1c)",
    assumption=MIT_ASM + " Duty paid at entry by Mitsubishi Motors North America over April-December (tariff_paid), not the hit to operating profit. Kept for history (no band).")

# --------------------------------------------------------------------------
# service parts and metals: kept empty (no per-company figure found; see README.md)
# --------------------------------------------------------------------------
rows.setdefault("service_parts", [])
rows.setdefault("metals", [])
for r in rows["reported"]:
    if r["countermeasures"] == "before":
        r["assumption"] += GROSS_ASM if r["basis"] == "gross" else NET_ASM

# --------------------------------------------------------------------------
# write CSVs in schema column order
# --------------------------------------------------------------------------
SCHEMA = HERE.parent.parent / "dataset" / "schema"
for table, rs in rows.items():
    cols = [r["column"] for r in csv.DictReader(open(SCHEMA / f"{table}.csv"))]
    with open(HERE / f"{table}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rs:
            missing = set(cols) - set(r)
            extra = set(r) - set(cols)
            assert not extra, (table, extra)
            w.writerow({c: r.get(c, "") for c in cols})
    print(f"{table}: {len(rs)} rows")
print("derived:", DER)
