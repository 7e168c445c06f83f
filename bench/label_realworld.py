"""Candidate labels for the real-world evaluation set (bench/data/realworld-labels.tsv).

A labelling aid, independent of lureguard's engine: it never imports the detectors. For each
row it proposes the brand the host imitates (substring and fuzzy matching against a broad list
of brand names, product names and login hosts written here, after undoing obvious obfuscation)
and the trick family, then applies the per-row decisions of the human review (`review` file).
The reviewed result is what bench/realworld.py measures with; this script only regenerates it.

Usage:
  .venv/bin/python bench/label_realworld.py candidates   # print proposals to review
  .venv/bin/python bench/label_realworld.py write        # write the labels TSV
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz.distance import DamerauLevenshtein

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHARED = REPO.parent / "shared" / "data" / "realworld-dev"
TARGETED = SHARED / "targeted.tsv"
FEED = SHARED / "phishfeed.txt"
LABELS = BENCH / "data" / "realworld-labels.tsv"
REVIEW = BENCH / "data" / "realworld-review.tsv"
#: Seed of the uniform sample of the OpenPhish feed (random.Random(SEED).sample over the feed's
#: hosts in file order); bench/realworld.py re-draws it to check the labels cover it exactly.
FEED_SEED = 17
FEED_SAMPLE = 2_000


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a block of text."""
    return text.split()


#: Free hosting, site-builder, serverless, object-storage, tunnel and dynamic-DNS platforms:
#: the label left of one of these is a tenant's, chosen by whoever signed up.
PLATFORMS = _words("""
pages.dev workers.dev r2.dev vercel.app netlify.app netlify.com github.io gitlab.io
blogspot.com blogspot.com.tr blogspot.md blogspot.pe blogspot.hk blogspot.cl blogspot.de
webflow.io framer.app framer.website framer.ai framer.media framer.photos wixsite.com
wixstudio.com square.site typedream.app zapier.app replit.app replit.dev repl.co edgeone.dev
edgeone.cool hstn.me zya.me iceiy.com webcindario.com duckdns.org dpdns.org hopto.org
servehttp.com dynv6.net 4everland.app ipfs.dweb.link ipfs.w3s.link firebaseapp.com web.app
azurewebsites.net amazonaws.com linodeobjects.com ondigitalocean.app digitaloceanspaces.com
trycloudflare.com csb.app stormkit.dev daftpage.com wpenginepowered.com wpdevcloud.com
alwaysdata.net myfunnelish.com hf.space cyon.site page.gd esy.es pe.hu herobo.com 890m.com
cafe24.com b4a.run onrender.com tempurl.host zeabur.app cprapid.com ngrok.io ngrok-free.app
ngrok.app weebly.com squarespace.com cloudaccess.host istmein.de azureedge.net
cloudapp.azure.com awsapprunner.com tw1.ru bget.ru xsph.ru cpanel.site strato-hosting.eu
hosted.phplist.com rs6.net glitch.me herokuapp.com surge.sh 000webhostapp.com godaddysites.com
sites.google.com forms.gle google.com ibm.com appspot.com ddns.net no-ip.org sytes.net
myftp.org zapto.org freenom.com lovable.app bolt.host fly.dev railway.app render.com
""")

#: Brand names that are ordinary words or word parts (the issue's word-brands).
WORD_TOKENS = {
    "chase",
    "apple",
    "amazon",
    "target",
    "discover",
    "shell",
    "citizens",
    "proton",
    "meta",
    "square",
    "steam",
    "valve",
    "line",
    "ledger",
    "phantom",
    "uphold",
    "gemini",
    "kraken",
    "juno",
    "bell",
    "sky",
    "orange",
    "aruba",
    "blockchain",
    "visa",
    "allegro",
    "dana",
    "booking",
    "spectrum",
    "wise",
    "zoom",
    "slack",
    "stripe",
    "insta",
    "live.com",
    "teams",
    "messenger",
    "xbox",
    "edge",
    "outlook",
    "trust",
    "nike",
    "uber",
    "marsh",
    "athene",
}

#: Brand -> names, products and login hosts people recognise, lowercase. A leading `=` keeps a
#: short name to a whole hyphen/dot-separated part (with digits around it allowed); `!`
#: switches off fuzzy matching for a name that is also an ordinary word part.
BRANDS: dict[str, str] = {
    "Microsoft": "microsoft microsoftonline msonline =msft office365 office356 microsoft365 "
    "outlook !hotmail onedrive =1drv sharepoint msteams =teams skype xbox "
    "=live.com windowslive =msn bing =azure =o365 =m365 micros0ft =office-365",
    "Google": "google !gmail !googlemail =goog =googl =googie youtube googledrive =gdrive "
    "googleusercontent googleapis",
    "Apple": "!apple appleid icloud itunes =idmsa findmyiphone =fmi iphone =ios =findmy applepay",
    "Yahoo": "yahoo =ymail rocketmail =yhoo",
    "AOL": "=aol aolmail screenname",
    "Meta": "facebook =fb instagram =insta whatsapp whatsap =whats-app messenger "
    "=meta metaverified metabusiness fbcdn",
    "Amazon": "!amazon =amzn =aws primevideo amazonpay",
    "PayPal": "paypal =pay-pal",
    "Netflix": "netflix",
    "LinkedIn": "linkedin",
    "X (Twitter)": "twitter",
    "DHL": "=dhl",
    "FedEx": "fedex",
    "UPS": "=ups",
    "USPS": "usps",
    "DPD": "=dpd dpdlocal",
    "Chase": "!chase jpmorgan",
    "Wells Fargo": "wellsfargo",
    "Bank of America": "bankofamerica =bofa",
    "Citi": "citibank =citi citigroup",
    "Capital One": "capitalone capital-one",
    "HSBC": "hsbc",
    "Barclays": "barclays barclaycard",
    "American Express": "americanexpress =amex",
    "DocuSign": "docusign =docusgn",
    "Dropbox": "dropbox",
    "Adobe": "adobe =acrobat",
    "GitHub": "github",
    "Zoom": "=zoom",
    "Slack": "=slack",
    "Steam (Valve)": "steamcommunity steampowered =steam =valve",
    "Spotify": "spotify",
    "Coinbase": "coinbase =coin-base",
    "Binance": "binance",
    "MetaMask": "metamask",
    "Kraken": "=kraken",
    "KuCoin": "kucoin",
    "Ledger": "=ledger ledgerlive ledger-live =ledgr =ledgre",
    "Trezor": "trezor =trezr =trzr =trezar =terzor",
    "Trust Wallet": "trustwallet",
    "Phantom": "=phantom",
    "Uniswap": "uniswap",
    "OpenSea": "opensea",
    "Blockchain.com": "=blockchain",
    "Crypto.com": "cryptocom",
    "Robinhood": "robinhood",
    "Fidelity Investments": "fidelity",
    "Charles Schwab": "schwab",
    "Discord": "discord",
    "Roblox": "roblox =rbx",
    "Epic Games": "epicgames fortnite",
    "PlayStation (Sony)": "playstation",
    "Nintendo": "nintendo",
    "Twitch": "twitch",
    "TikTok": "tiktok",
    "Snapchat": "snapchat",
    "Telegram": "telegram",
    "Airbnb": "airbnb",
    "Booking.com": "=booking bookingcom",
    "Expedia": "expedia",
    "eBay": "=ebay",
    "Etsy": "=etsy",
    "Walmart": "walmart",
    "Costco": "costco",
    "The Home Depot": "homedepot",
    "Best Buy": "bestbuy",
    "Alibaba": "alibaba aliexpress alipay taobao",
    "Shopify": "shopify",
    "Stripe": "=stripe",
    "Cash App": "cashapp =cash-app",
    "Venmo": "venmo",
    "Zelle": "zelle",
    "Wise": "transferwise",
    "Revolut": "revolut",
    "Western Union": "westernunion",
    "MoneyGram": "moneygram",
    "Visa": "=visa",
    "Mastercard": "mastercard",
    "Intuit": "intuit quickbooks turbotax mailchimp",
    "Salesforce": "salesforce",
    "Okta": "=okta",
    "Atlassian": "atlassian =jira trello bitbucket",
    "Cisco Webex": "webex",
    "Norton": "norton",
    "McAfee": "mcafee",
    "Cloudflare": "cloudflare",
    "GoDaddy": "godaddy",
    "WeTransfer": "wetransfer",
    "Zoho": "=zoho",
    "Proton": "protonmail protonvpn protondrive =proton",
    "Tuta": "tutanota tutamail",
    "Fastmail": "fastmail",
    "GMX": "=gmx",
    "Yandex": "yandex",
    "Mail.ru": "=mail.ru =mailru",
    "NetEase": "=163 =126 netease",
    "Tencent": "=qq wechat weixin tencent",
    "NAVER": "naver =nid",
    "Kakao": "=daum hanmail kakao",
    "Nate": "=nate",
    "Comcast Xfinity": "comcast xfinity",
    "AT&T": "=att sbcglobal bellsouth",
    "Verizon": "verizon",
    "T-Mobile": "t-mobile tmobile telekom",
    "Spectrum (Charter)": "=spectrum roadrunner",
    "Vodafone": "vodafone",
    "IRS": "=irs",
    "HMRC": "hmrc",
    "Social Security Administration": "socialsecurity =ssa",
    "Medicare": "medicare",
    "DVLA": "dvla",
    "Royal Mail": "royalmail",
    "Evri": "=evri myhermes",
    "Canada Post": "canadapost",
    "Australia Post": "auspost",
    "La Poste": "laposte colissimo chronopost",
    "PostNL": "postnl",
    "Poste Italiane": "posteitaliane postepay",
    "Deutsche Post": "deutschepost",
    "Japan Post": "japanpost",
    "Korea Post": "=epost koreapost",
    "Yamato Transport": "kuroneko",
    "Sagawa Express": "sagawa",
    "Santander": "santander",
    "Itaú": "=itau",
    "Bradesco": "bradesco",
    "Banco do Brasil": "bancodobrasil",
    "Crédit Agricole": "creditagricole credit-agricole",
    "BNP Paribas": "bnpparibas",
    "Deutsche Bank": "deutschebank",
    "NatWest": "natwest",
    "Lloyds Bank": "lloydsbank",
    "Halifax": "halifax",
    "Scotiabank": "scotiabank",
    "RBC Royal Bank": "rbcroyal",
    "TD Bank": "tdbank",
    "Interac": "interac",
    "Commonwealth Bank": "commbank",
    "Westpac": "westpac",
    "myGov / ATO (Australia)": "=mygov =my.gov",
    "ICICI Bank": "icici",
    "HDFC Bank": "hdfc",
    "State Bank of India": "onlinesbi sbiyono",
    "Paytm": "paytm",
    "Flipkart": "flipkart",
    "Mercado Libre": "mercadolibre mercadolivre mercadopago",
    "USAA": "=usaa",
    "Navy Federal Credit Union": "navyfederal",
    "PNC": "=pnc",
    "U.S. Bank": "usbank",
    "Truist": "truist",
    "Discover": "discovercard",
    "Rakuten": "rakuten",
    "SMBC": "=smbc vpass",
    "MUFG Bank": "=mufg",
    "Mizuho Bank": "mizuho",
    "JCB": "=jcb",
    "AEON": "=aeon",
    "NTT docomo": "docomo",
    "au (KDDI)": "=kddi auone",
    "SoftBank": "softbank",
    "PayPay": "paypay",
    "Mercari": "mercari",
    "Coupang": "coupang",
    "Toss": "tossbank",
    "Samsung": "samsung",
    "Upbit": "upbit",
    "Bithumb": "bithumb",
    "Bybit": "bybit",
    "OKX": "=okx =okex",
    "Bitfinex": "bitfinex",
    "Bitstamp": "bitstamp",
    "Etherscan": "etherscan",
    "MyEtherWallet": "myetherwallet",
    "PancakeSwap": "pancakeswap",
    "WalletConnect": "walletconnect",
    "Disney+": "disneyplus",
    "Uber": "=uber",
    "Nike": "=nike",
    "Canva": "=canva",
    "Rebrandly": "rebrandly",
    "Shopee": "shopee",
    "DANA": "=dana",
    "GCash": "gcash",
    "BDO Unibank": "=bdo",
    "ING": "=ing",
    "Raiffeisen": "raiffeisen",
    "Desjardins": "desjardins",
    "Interbank": "=interbank",
    "Banco BHD": "=bhd",
    "Banco de Venezuela": "bdvenezuela",
    "Promerica": "promerica",
    "Sicredi": "sicredi",
    "Garanti BBVA": "garanti",
    "VakıfBank": "vakif",
    "Kleinanzeigen": "kleinanzeigen",
    "leboncoin": "leboncoin",
    "Blocket": "blocket",
    "Allegro": "=allegro allegrolokalnie",
    "mobile.de": "=mobile.de",
    "7-Eleven": "=7-11 =711",
    "Telstra": "telstra",
    "Telcel": "telcel",
    "Tigo": "=tigo",
    "Syriatel": "syriatel",
    "Bell": "=bell",
    "Juno": "=juno",
    "Aruba": "=aruba",
    "NDAX": "=ndax",
    "Coinsquare": "coinsquare",
    "Netcoins": "netcoins",
    "iTrustCapital": "itrustcapital",
    "SwissBorg": "swissborg",
    "Uphold": "=uphold =uphld",
    "BlockFi": "blockfi",
    "Gemini": "=gemini",
    "Swan Bitcoin": "swanbitcoin",
    "Raydium": "raydium",
    "Rarible": "rarible",
    "MoonPay": "moonpay",
    "Chainlink": "chainlink",
    "imToken": "imtoken",
    "TokenPocket": "tokenpocket",
    "FTX": "=ftx",
    "Galabet": "galabet",
    "Padişahbet": "padisahbet",
    "bet365": "bet365",
    "Mobile Legends": "mobilelegends",
    "PUBG": "pubg",
    "Darb": "=darb",
    "Texas DMV": "txdmv",
    "BRT": "=brt",
    "DWP": "=dwp",
    "ANTAI": "antai",
    "Postmark": "postmark",
    "Hathway": "hathway",
    "Ukr.net": "ukrnet =ukr.net",
    "Meta.ua": "=meta.ua =meta-ua",
    "I.ua": "=i.ua",
    "Wirtualna Polska": "=wp-pl =wp.pl",
    "Onet": "=onet",
    "Interia": "interia",
    "Inbox.lv": "=inbox.lv =inbox.lt",
    "StartMail": "startmail",
    "Netvigator": "netvigator",
    "Sina": "=sina",
    "The Epoch Times": "epochtimes",
    "Truecaller": "truecaller",
    "Fireblocks": "fireblocks",
    "GitLab": "gitlab",
    "Grubhub": "grubhub",
    "UScellular": "uscellular =uscc",
    "Zendesk": "zendesk",
    "Sinch": "sinch",
    "Aflac": "aflac",
    "Allstate": "allstate",
    "Marsh McLennan": "=marsh",
    "Athene": "athene",
    "True": "truecorp",
    "OpenAthens": "openathens",
    "Instructure": "instructure",
    "Ukroboronprom": "ukroboronprom",
    "Polish Ministry of National Defence": "=ron-mil",
    "Windstream": "windstream",
    "Paris Aéroport": "parisaeroport",
    "Office of His Holiness the Dalai Lama": "dalailama",
    "Central Tibetan Administration": "=tibet",
}

#: Institutions whose login, library or learning hosts appear inside longer hosts (Silent
#: Librarian and others): dotted key in the subdomain part -> name. Longest key wins.
INSTITUTIONS = {
    "goucher": "Goucher College",
    "lincoln.ac.uk": "University of Lincoln",
    "bath.ac.uk": "University of Bath",
    "balamand": "University of Balamand",
    "mdh.se": "Mälardalen University",
    "uam.mx": "Universidad Autónoma Metropolitana",
    "gcal": "Glasgow Caledonian University",
    "stonybrook": "Stony Brook University",
    "blackboard.usc": "USC",
    "bolton.ac.uk": "University of Bolton",
    "bradley": "Bradley University",
    "bham": "University of Birmingham",
    "sydney": "University of Sydney",
    "ucdavis": "UC Davis",
    "cardiff": "Cardiff University",
    "csufresno": "Fresno State",
    "fsu.edu": "Florida State University",
    "lcc": "Lansing Community College",
    "thm.de": "Technische Hochschule Mittelhessen",
    "londonmet.ac.uk": "London Metropolitan University",
    "cuhk": "Chinese University of Hong Kong",
    "ease.ed": "University of Edinburgh",
    "edadfed.ed": "University of Edinburgh",
    "gvsu.edu": "Grand Valley State University",
    "anu.ac.ke": "Africa Nazarene University",
    "isikun.edu.tr": "Işık University",
    "twu.edu": "Texas Woman's University",
    "ualberta": "University of Alberta",
    "hkr.se": "Kristianstad University",
    "lau.edu.lb": "Lebanese American University",
    "mef.edu.tr": "MEF University",
    "ug.edu.gh": "University of Ghana",
    "uniroma1": "Sapienza University of Rome",
    "vid.no": "VID Specialized University",
    "yu.edu.jo": "Yarmouk University",
    "qmul.ac.uk": "Queen Mary University of London",
    "idp.csu": "CSU",
    "su.se": "Stockholm University",
    "gu.se": "University of Gothenburg",
    "utoronto": "University of Toronto",
    "uni-marburg": "University of Marburg",
    "ntnu": "NTNU",
    "ki": "Karolinska Institutet",
    "ki.se": "Karolinska Institutet",
    "nbu.bg": "New Bulgarian University",
    "polyu": "Hong Kong Polytechnic University",
    "unt.edu": "University of North Texas",
    "umflint": "University of Michigan-Flint",
    "unm": "University of New Mexico",
    "acu.edu.au": "Australian Catholic University",
    "adelaide": "University of Adelaide",
    "gju.edu.jo": "German Jordanian University",
    "zuj.edu.jo": "Al-Zaytoonah University of Jordan",
    "librarysso.vu": "VU",
    "liucat.lib.liu": "Long Island University",
    "bibl.liu.se": "Linköping University",
    "latrobe": "La Trobe University",
    "unb": "University of New Brunswick",
    "lanet.lv": "LANET (Latvia)",
    "manchester.ac.uk": "University of Manchester",
    "uottawa": "University of Ottawa",
    "nhtv.nl": "NHTV Breda",
    "uwo": "Western University",
    "mq.edu.au": "Macquarie University",
    "svcc": "Sauk Valley Community College",
    "wccnet": "Washtenaw Community College",
    "iit.edu": "Illinois Institute of Technology",
    "utar.edu.my": "Universiti Tunku Abdul Rahman",
    "kcl.ac.uk": "King's College London",
    "uwc.ac.za": "University of the Western Cape",
    "uws.edu.au": "Western Sydney University",
    "nymc.edu": "New York Medical College",
    "mau.se": "Malmö University",
    "gla.ac.uk": "University of Glasgow",
    "u-cergy": "CY Cergy Paris University",
    "uni-ulm": "Ulm University",
    "mylibrary.bu": "Boston University",
    "bu.edu": "Boston University",
    "uu.nl": "Utrecht University",
    "uu.blackboard": "Utrecht University",
    "ndu.edu.lb": "Notre Dame University-Louaize",
    "cornell": "Cornell University",
    "ntulearn.ntu": "Nanyang Technological University",
    "bris": "University of Bristol",
    "rice": "Rice University",
    "wwu.edu": "Western Washington University",
    "berkeley.edu": "UC Berkeley",
    "nus.edu.sg": "National University of Singapore",
    "psut": "Princess Sumaya University for Technology",
    "cam.ac.uk": "University of Cambridge",
    "hva.nl": "Amsterdam University of Applied Sciences",
    "ucl.ac.uk": "UCL",
    "dur.ac.uk": "Durham University",
    "towson": "Towson University",
    "york.ac.uk": "University of York",
    "mcgill": "McGill University",
    "liv.ac.uk": "University of Liverpool",
    "sierra-sso.aut": "Auckland University of Technology",
    "kent.ac.uk": "University of Kent",
    "oakland": "Oakland University",
    "ub.edu": "University of Barcelona",
    "uoguelph": "University of Guelph",
    "sutd.edu.sg": "SUTD",
    "tarc.edu.my": "Tunku Abdul Rahman University College",
    "uon.okta.com": "University of Newcastle (Australia)",
    "ltu.se": "Luleå University of Technology",
    "parliament.uk": "UK Parliament",
    "openathens": "OpenAthens",
    "instructure": "Instructure",
    "ki.instructure": "Karolinska Institutet",
    "ithenticate": "Turnitin",
    "microsoftonline": "Microsoft",
}

#: Login hosts of portals (cause portal-login-host when the brand appears through one).
LOGIN_HOSTS = {
    "nid": "NAVER",
    "nidlogin": "NAVER",
    "accountsgoogle": "Google",
    "myaccountgoogle": "Google",
    "accountgoogle": "Google",
    "myaccountsgoogle": "Google",
    "loginmicrosoftonline": "Microsoft",
    "microsoftonline": "Microsoft",
    "loginlive": "Microsoft",
    "livelogin": "Microsoft",
    "idmsa": "Apple",
    "appleid": "Apple",
    "signinaws": "Amazon",
    "loginyahoo": "Yahoo",
    "passportyandex": "Yandex",
    "screenname": "AOL",
    "screennameaol": "AOL",
    "loginmsonline": "Microsoft",
}

#: Lure and service words: rows of no brand that use them are `generic`, the rest `none`.
GENERIC = _words("""
mail email inbox webmail login logon logn logln signin sign account acount acc auth oauth
secure security verify verification update support service servers server help password
passwd drive docs doc document file files share shared cloud portal web online office redirect
link url short shortner shortener srtnr shrtnr safe protect protection check alert notice
notification noreply reply recovery reset settings setting privacy profile user member
members connect access confirm approve approval transfer delivery parcel track tracking
parking fine toll invoice payment pay bill billing bank wallet claim reward gift prize
bonus winner airdrop token crypto nft defi dapp sync node bridge validate validation
activate activation unlock locked suspend suspended restore policy violation appeal
copyright case review business ads admin manager agency team meeting teams voice message
messages sms encrypted lib library edu univ uni ezproxy proxy sso idp shib shibboleth
cas adfs owa vpn domain host hosting hosted center centre assist desk ticket order
shop store market mart sale deals loan credit finance financial tax refund gov government
police ministry post postal express customs download install app apps application extension
chat session id identity captcha robot human
""")

#: Words that are one edit from a brand name without imitating it (email ~ gmail).
COMMON = {"email", "emails", "mails", "gogle", "google"} | set(GENERIC)

LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                      "9": "g", "$": "s", "@": "a"})  # fmt: skip
LEET_I = str.maketrans({"1": "i", "!": "i"})


@dataclass
class Row:
    """One host to label and what the review decided."""

    host: str
    dataset: str
    source: str = ""
    campaign: str = ""
    brand: str = "-"
    cause: str = ""
    note: str = ""
    proposed: str = ""


HEADER = """\
# Real-world evaluation labels for lureguard (bench/realworld.py). One row per host:
#   host<TAB>dataset<TAB>brand<TAB>cause<TAB>note
# Written by bench/label_realworld.py from its proposals plus the human review in
# bench/data/realworld-review.tsv; labelled without lureguard's engine (never from its verdicts).
#
# Datasets (../shared/data/realworld-dev/, provenance in its README):
#   targeted   every row of targeted.tsv (2,018 hosts of targeted, state-linked, hack-for-hire
#              and AiTM-kit credential phishing; source and campaign are in that file)
#   openphish  a uniform sample of 2,000 of the 20,000 hosts of phishfeed.txt (OpenPhish
#              Community feed, non-commercial terms: used for measuring only, nothing derived
#              from it ships in the package), drawn with
#              random.Random(17).sample(hosts_in_file_order, 2000) and sorted
#
# brand: the brand the host imitates, or `-` for none. The name is the `name:` of the matching
#   rules/brands/*.yaml when the pack has the brand (products map to their owner: Outlook,
#   Hotmail, OneDrive, 1drv -> Microsoft; Gmail -> Google; iCloud, Apple ID -> Apple; ymail ->
#   Yahoo; Facebook, Instagram, WhatsApp, Messenger -> Meta; Daum, Hanmail -> Kakao;
#   Telekom -> T-Mobile; Square -> Cash App; Mailchimp -> Intuit), otherwise a clear name
#   (universities, ministries, companies and news outlets that campaigns imitate count too).
#
# Rules:
# - A row imitates brand B when a reader would recognise B's name, product or login host in
#   the host after undoing obvious obfuscation: digits for letters (goog1e, t3llstra), rn for m,
#   vv for w, l for i, q for g, swapped, doubled or missing letters (gooogle, fidellty,
#   netlfix), hyphens and dots moved (google-com, wp-pl, mail-ru).
# - Parts that belong to a hosting platform's own name are ignored (pages.dev, webflow.io,
#   vercel.app, framer.app, blogspot.*, github.io, workers.dev ...); the tenant's label counts.
#   Platform-generated names (framer's confident-pineapple-111249, netlify's dainty-cajeta) are
#   not brands.
# - Brand words that are also ordinary words count only where the host uses them as the name
#   (meta-support-*.pages.dev, steam-giveaway, apple-incbr), not inside another word
#   (pineapple, purchase, spectrumpropertymgmt).
# - Names cut so short that the brand is no longer the plain reading are `-` with a note
#   (whats-*, maga-*, goo, drive-goo); so are generic product words without their brand
#   (drive, docs, office, usercontent, workshop, passport, find my phone) and software that
#   every institution runs (ezproxy, shibboleth, adfs, owa, cas, blackboard, canvas, moodle)
#   unless an institution or the vendor's hosted login is named with it.
# - Institutions named inside a longer host (login.ki.se.ersta.me, bradley.eulib.me) imitate
#   that institution; the random registrable names of such campaigns (ersta.me, aill.cf,
#   libte.me) imitate none.
# - One brand per row: the one the host most plainly names (its registrable name before its
#   subdomains); a second brand, if any, is in the note.
# - Ambiguous readings are decided as above and say `ambiguous:` in the note; rows where two
#   readings are equally plausible are `-`.
#
# cause (the trick family; for `-` rows: generic or none):
#   tenant             brand in a tenant label of a free-hosting, site-builder, serverless,
#                      object-storage, tunnel or dynamic-DNS platform (x.pages.dev, x.webflow.io)
#   embedding          brand name or domain in the subdomains of an unrelated registrable domain
#                      (t-mobile.xyz.top, login.microsoftonline.comn.me, s.team-pa.com)
#   portal-login-host  a portal's sign-in host (accounts-google, nid-naver, login-live, idmsa,
#                      passport-yandex, screenname-aol, appleid)
#   homoglyph          brand spelled with look-alike characters (goog1e, steamcommunlty, t1bet)
#   typo               brand misspelled: letters swapped, doubled, missing or replaced
#   dotless-domain     the brand's own domain with its dots turned to hyphens or dropped
#                      (google-com.online, wp-pl.eu, govmm.org, carters-okta.com)
#   short-brand        a brand of 2-4 letters with lure words (dpd-*, ing-help, 1drv.*, mail-qq)
#   word-brand         a brand whose name is an ordinary word (apple, meta, steam, outlook, live,
#                      aruba, chase, proton, bell, booking) with other words
#   tld-swap           the brand's name alone as the registrable label under another suffix
#                      (coinbase.spot, tutanota.org, dalailama.space)
#   combo-word         brand name plus product, service or lure words (gmail-secure,
#                      americanexpress-reward0080, mailserveroutlook)
#   generic            no brand; generic mail/login/account/security/delivery words, possibly
#                      obfuscated (corn- for com-, secuirty, settinq)
#   none               no brand and no lure words (random strings, hacked sites, unrelated names)
# A row gets the first cause of this list that applies.
"""


def collapse(text: str) -> str:
    """Doubled letters once (gooogle -> gogle), so repetition typos compare equal."""
    return re.sub(r"(.)\1+", r"\1", text)


def readings(text: str) -> dict[str, str]:
    """Readings of a flattened label after undoing obvious obfuscation -> how each was made."""
    out = {text: "plain"}
    swaps = [
        (lambda s: s.translate(LEET), "homoglyph"),
        (lambda s: s.translate(LEET_I), "homoglyph"),
        (lambda s: s.replace("rn", "m").replace("vv", "w").replace("cl", "d"), "homoglyph"),
        (lambda s: s.replace("q", "g"), "homoglyph"),
        (lambda s: s.replace("l", "i"), "homoglyph"),
        (lambda s: s.replace("i", "l"), "homoglyph"),
    ]
    for fn, how in swaps:
        for base in list(out):
            new = fn(base)
            if new not in out:
                out[new] = how
    return out


def platform_of(host: str) -> str:
    """The hosting platform suffix `host` sits under, or ''."""
    best = ""
    for plat in PLATFORMS:
        if host.endswith("." + plat) and len(plat) > len(best):
            best = plat
    return best


def pack_brands() -> dict[str, list[str]]:
    """Brand name -> official domains of the shipped pack (for canonical names only)."""
    out: dict[str, list[str]] = {}
    for path in sorted((REPO / "rules" / "brands").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        out[data["name"]] = list(data.get("domains") or [])
    return out


def compile_tokens() -> list[tuple[str, str, bool, bool]]:
    """(token, brand, whole part only, fuzzy allowed), longest first."""
    tokens = []
    for brand, spec in BRANDS.items():
        for raw in spec.split():
            whole = raw.startswith("=")
            fuzzy = not raw.startswith("!") and not whole
            token = raw.lstrip("=!")
            tokens.append((token, brand, whole, fuzzy and len(token) >= 5))
    return sorted(tokens, key=lambda t: -len(t[0]))


TOKENS = compile_tokens()


def whole_parts(host: str) -> list[str]:
    """Hyphen/dot separated parts, with digits at their ends removed (dhl24 -> dhl)."""
    parts = []
    for part in re.split(r"[.\-_]+", host):
        parts.append(part)
        parts.append(part.strip("0123456789"))
    return parts


def propose(host: str) -> tuple[str, str, str]:
    """(brand, cause, evidence) proposed for `host`; brand '-' when nothing matched."""
    plat = platform_of(host)
    body = host[: -len(plat) - 1] if plat else host
    labels = body.split(".")
    # the registrable label: last label before the suffix (approximate: skip 2-letter/known
    # second levels such as co.uk / com.br)
    reg_index = len(labels) - 1 if plat else _registrable_index(labels)
    hits = []
    dotted = "." + host + "."
    for token, brand, whole, _ in TOKENS:
        if whole and ("." in token or "-" in token):
            match = re.search(rf"[.\-]{re.escape(token)}[.\-]", dotted)
            if match:
                index = dotted[: match.start() + 1].count(".") - 1
                hits.append((brand, "plain", token, max(0, index)))
    for i, label in enumerate(labels):
        flat = label.replace("-", "").replace("_", "")
        parts = whole_parts(label)
        for reading, how in readings(flat).items():
            low = collapse(reading)
            for token, brand, whole, _ in TOKENS:
                if whole:
                    if "." in token or "-" in token:
                        continue
                    if token in parts or (how != "plain" and token in whole_parts(
                            label.translate(LEET))):  # fmt: skip
                        hits.append((brand, "plain" if token in parts else how, token, i))
                elif collapse(token) in low:
                    kind = how if how != "plain" or token in reading else "typo"
                    hits.append((brand, kind, token, i))
    if not hits:
        for i, label in enumerate(labels):
            for part in [label.replace("-", ""), *label.split("-")]:
                if len(part) < 5:
                    continue
                for token, brand, _, fuzzy in TOKENS:
                    if not fuzzy:
                        continue
                    limit = 2 if len(token) >= 9 else 1
                    for size in (len(token) - 1, len(token), len(token) + 1):
                        for start in range(0, max(1, len(part) - size + 1)):
                            window = part[start : start + size]
                            if len(window) < 5 or collapse(window) in COMMON:
                                continue
                            if (
                                DamerauLevenshtein.distance(window, token, score_cutoff=limit)
                                <= limit
                            ):
                                hits.append((brand, "typo", token, i))
                                break
    sub = ".".join(labels[:reg_index])
    found = [k for k in INSTITUTIONS if f".{k}." in f".{sub}."]
    if found and not plat:
        key = max(found, key=len)
        return INSTITUTIONS[key], "embedding", f"institution:{key}"
    if not hits:
        name = collapse(host.rsplit(".", 1)[0].translate(LEET))
        words = [w for w in GENERIC if collapse(w) in name]
        return "-", "generic" if words else "none", ",".join(words[:4])
    brand, how, token, index = hits[0]
    flat_host = host.replace("-", "").replace(".", "")
    host_readings = [collapse(r) for r in readings(flat_host)]
    login = next(
        (
            k
            for k, b in LOGIN_HOSTS.items()
            if b == brand and any(collapse(k) in r for r in host_readings)
        ),
        None,
    )
    if plat and index >= reg_index:
        cause = "tenant"
    elif index < reg_index and not any(h[3] >= reg_index for h in hits if h[0] == brand):
        cause = "embedding"
    elif login:
        cause = "portal-login-host"
    elif how in ("homoglyph", "typo"):
        cause = how
    elif token in WORD_TOKENS:
        cause = "word-brand"
    elif len(token) <= 4:
        cause = "short-brand"
    elif labels[reg_index] == token:
        cause = "tld-swap"
    else:
        cause = "combo-word"
    others = sorted({h[0] for h in hits} - {brand})
    evidence = f"{token}/{how}" + (f" also:{','.join(others)}" if others else "")
    return brand, cause, evidence


SECOND_LEVEL = {"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go", "gob", "mil"}


def _registrable_index(labels: list[str]) -> int:
    """Index of the registrable label, approximately (good enough for proposals)."""
    if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2:
        return len(labels) - 3
    return max(0, len(labels) - 2)


def _index_of(labels: list[str], first: str) -> int:
    return labels.index(first) if first in labels else 0


def feed_sample() -> list[str]:
    """The seeded uniform sample of the OpenPhish feed hosts, sorted."""
    hosts = [s for s in (x.strip() for x in FEED.read_text().splitlines()) if s and s[0] != "#"]
    return sorted(random.Random(FEED_SEED).sample(hosts, FEED_SAMPLE))


def load_rows() -> list[Row]:
    """Every row to label: the targeted set in file order, then the feed sample."""
    rows = []
    for line in TARGETED.read_text().splitlines()[1:]:
        host, campaign, source = line.split("\t")
        rows.append(Row(host, "targeted", source, campaign))
    rows += [Row(h, "openphish") for h in feed_sample()]
    return rows


def load_review() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(dataset, host) -> (brand, cause, note) decided in review."""
    out = {}
    if REVIEW.exists():
        for line in REVIEW.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            fields += [""] * (5 - len(fields))
            dataset, host, brand, cause, note = fields[:5]
            out[(dataset, host)] = (brand, cause, note)
    return out


def main() -> None:
    """Print proposals or write the reviewed labels."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["candidates", "write"])
    args = parser.parse_args()
    rows = load_rows()
    review = load_review()
    for row in rows:
        brand, cause, evidence = propose(row.host)
        row.proposed = evidence
        row.brand, row.cause = brand, cause
        if (row.dataset, row.host) in review:
            row.brand, row.cause, row.note = review[(row.dataset, row.host)]
    if args.action == "candidates":
        for row in rows:
            flag = "R" if (row.dataset, row.host) in review else " "
            print(f"{flag} {row.dataset[:3]}\t{row.host}\t{row.brand}\t{row.cause}\t{row.proposed}")
        return
    lines = [HEADER.rstrip("\n")]
    for row in rows:
        lines.append("\t".join([row.host, row.dataset, row.brand, row.cause, row.note]))
    LABELS.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(rows)} rows to {LABELS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
