"""Phone numbers: checked and made dialable with Google's libphonenumber (`phonenumbers`).

A number written the national way (`030 1234567`, `(555) 123-4567`) means something only
in its country, so checking it needs that country: `design.region`, or else the country
that `person.location` ends with (`Berlin, Germany`, `Lyon, FR`). A two-letter ending that
is also a US state (`Newark, DE`, `Boston, MA`) is ambiguous and gives no country. A number
written with `+country` needs none. The number is printed as typed; links use its E.164
form (`tel:+49301234567`), which dials from anywhere.

`phonenumbers` is imported only when a CV has a phone: its metadata loads per country.
"""

from __future__ import annotations

import re
from functools import cache

from build_cv.errors import quoted

# English country names for the regions libphonenumber knows, from its own geocoding data
# (phonenumbers.geodata.locale, Apache-2.0). Copied because importing that module takes
# 0.4 s, which every build would pay.
_COUNTRIES = """
AC Ascension Island; AD Andorra; AE United Arab Emirates; AF Afghanistan;
AG Antigua and Barbuda; AI Anguilla; AL Albania; AM Armenia; AO Angola; AR Argentina;
AS American Samoa; AT Austria; AU Australia; AW Aruba; AX Åland Islands; AZ Azerbaijan;
BA Bosnia and Herzegovina; BB Barbados; BD Bangladesh; BE Belgium; BF Burkina Faso;
BG Bulgaria; BH Bahrain; BI Burundi; BJ Benin; BL Saint Barthélemy; BM Bermuda; BN Brunei;
BO Bolivia; BQ Bonaire, Sint Eustatius and Saba; BR Brazil; BS Bahamas; BT Bhutan;
BW Botswana; BY Belarus; BZ Belize; CA Canada; CC Cocos Islands;
CD The Democratic Republic Of Congo; CF Central African Republic; CG Congo; CH Switzerland;
CI Côte d'Ivoire; CK Cook Islands; CL Chile; CM Cameroon; CN China; CO Colombia;
CR Costa Rica; CU Cuba; CV Cape Verde; CW Curaçao; CX Christmas Island; CY Cyprus;
CZ Czech Republic; DE Germany; DJ Djibouti; DK Denmark; DM Dominica; DO Dominican Republic;
DZ Algeria; EC Ecuador; EE Estonia; EG Egypt; EH Western Sahara; ER Eritrea; ES Spain;
ET Ethiopia; FI Finland; FJ Fiji; FK Falkland Islands; FM Micronesia; FO Faroe Islands;
FR France; GA Gabon; GB United Kingdom; GD Grenada; GE Georgia; GF French Guiana;
GG Guernsey; GH Ghana; GI Gibraltar; GL Greenland; GM Gambia; GN Guinea; GP Guadeloupe;
GQ Equatorial Guinea; GR Greece; GT Guatemala; GU Guam; GW Guinea-Bissau; GY Guyana;
HK Hong Kong; HN Honduras; HR Croatia; HT Haiti; HU Hungary; ID Indonesia; IE Ireland;
IL Israel; IM Isle Of Man; IN India; IO British Indian Ocean Territory; IQ Iraq; IR Iran;
IS Iceland; IT Italy; JE Jersey; JM Jamaica; JO Jordan; JP Japan; KE Kenya; KG Kyrgyzstan;
KH Cambodia; KI Kiribati; KM Comoros; KN Saint Kitts And Nevis; KP North Korea;
KR South Korea; KW Kuwait; KY Cayman Islands; KZ Kazakhstan; LA Laos; LB Lebanon;
LC Saint Lucia; LI Liechtenstein; LK Sri Lanka; LR Liberia; LS Lesotho; LT Lithuania;
LU Luxembourg; LV Latvia; LY Libya; MA Morocco; MC Monaco; MD Moldova; ME Montenegro;
MF Saint Martin; MG Madagascar; MH Marshall Islands; MK Macedonia; ML Mali; MM Myanmar;
MN Mongolia; MO Macao; MP Northern Mariana Islands; MQ Martinique; MR Mauritania;
MS Montserrat; MT Malta; MU Mauritius; MV Maldives; MW Malawi; MX Mexico; MY Malaysia;
MZ Mozambique; NA Namibia; NC New Caledonia; NE Niger; NF Norfolk Island; NG Nigeria;
NI Nicaragua; NL Netherlands; NO Norway; NP Nepal; NR Nauru; NU Niue; NZ New Zealand;
OM Oman; PA Panama; PE Peru; PF French Polynesia; PG Papua New Guinea; PH Philippines;
PK Pakistan; PL Poland; PM Saint Pierre And Miquelon; PR Puerto Rico; PS Palestine;
PT Portugal; PW Palau; PY Paraguay; QA Qatar; RE Reunion; RO Romania; RS Serbia; RU Russia;
RW Rwanda; SA Saudi Arabia; SB Solomon Islands; SC Seychelles; SD Sudan; SE Sweden;
SG Singapore; SH Saint Helena; SI Slovenia; SJ Svalbard And Jan Mayen; SK Slovakia;
SL Sierra Leone; SM San Marino; SN Senegal; SO Somalia; SR Suriname; SS South Sudan;
ST Sao Tome And Principe; SV El Salvador; SX Sint Maarten (Dutch part); SY Syria;
SZ Swaziland; TA Tristan da Cunha; TC Turks And Caicos Islands; TD Chad; TG Togo;
TH Thailand; TJ Tajikistan; TK Tokelau; TL Timor-Leste; TM Turkmenistan; TN Tunisia;
TO Tonga; TR Turkey; TT Trinidad and Tobago; TV Tuvalu; TW Taiwan; TZ Tanzania; UA Ukraine;
UG Uganda; US United States; UY Uruguay; UZ Uzbekistan; VA Vatican;
VC Saint Vincent And The Grenadines; VE Venezuela; VG British Virgin Islands;
VI U.S. Virgin Islands; VN Vietnam; VU Vanuatu; WF Wallis And Futuna; WS Samoa; XK Kosovo;
YE Yemen; YT Mayotte; ZA South Africa; ZM Zambia; ZW Zimbabwe;
"""
_ALIASES = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "czechia": "CZ",
    "korea": "KR",
    "republic of korea": "KR",
    "p.r. china": "CN",
    "prc": "CN",
    "people's republic of china": "CN",
    "the netherlands": "NL",
    "holland": "NL",
    "russian federation": "RU",
    "viet nam": "VN",
    "türkiye": "TR",
    "turkiye": "TR",
    "north macedonia": "MK",
    "eswatini": "SZ",
    "ivory coast": "CI",
    "deutschland": "DE",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "österreich": "AT",
    "españa": "ES",
    "italia": "IT",
    "nederland": "NL",
    "中国": "CN",
    "中國": "CN",
    "日本": "JP",
    "대한민국": "KR",
    "한국": "KR",
}
# US state and territory abbreviations: `Boston, MA` names Massachusetts, not Morocco.
_US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    ]
)
# Country names that are also US states: `Atlanta, Georgia` is not in the Caucasus.
_AMBIGUOUS_NAMES = frozenset({"georgia"})
# A space may be a no-break one (U+00A0, or U+202F as French typography groups digits).
_DIALABLE = re.compile(r"\+?[0-9(][0-9 \u00a0\u202f()./-]*")
_SPACES = str.maketrans("\u00a0\u202f", "  ")  # which libphonenumber does not read as spaces


@cache
def _names() -> dict[str, str]:
    names = {}
    for item in _COUNTRIES.replace("\n", " ").split(";"):
        code, _, name = item.strip().partition(" ")
        if code:
            names[name.casefold()] = code
    names.update(_ALIASES)
    return {k: v for k, v in names.items() if k not in _AMBIGUOUS_NAMES}


def known_region(code: str) -> bool:
    """Whether `code` is an ISO 3166 alpha-2 code that libphonenumber has numbers for."""
    import phonenumbers

    return code in phonenumbers.SUPPORTED_REGIONS


def region_of(location: str | None) -> str | None:
    """The country a location ends with, as an ISO code: `Berlin, Germany` gives DE."""
    if not location:
        return None
    last = _ending(location)
    named = _names().get(last.casefold())
    if named is None and re.fullmatch(r"[A-Z]{2}", last) and last not in _US_STATES:
        return last if known_region(last) else None
    return named


def _ending(location: str) -> str:
    return location.rsplit(",", 1)[-1].strip().strip(".").strip()


def dialable(number: str) -> str:
    """`number` if it is written only with what a phone number is written with."""
    if not _DIALABLE.fullmatch(number) or sum(c.isdigit() for c in number) < 3:
        raise ValueError(
            f"{quoted(number)} is not a phone number: write digits with an optional leading "
            "+, and spaces, dots, dashes or parentheses (no letters or extensions)"
        )
    return number


def e164(number: str, region: str | None, location: str | None = None) -> str:
    """`number` in E.164 (`+49301234567`), or a ValueError that says how to fix it.

    `region` is `design.region`; without it, the country `location` ends with is used.
    """
    dialable(number)
    import phonenumbers

    where = region or region_of(location)
    international = number.startswith("+")
    if not international and where is None:
        hint, guess = "", None
        if location:
            ending = _ending(location)
            state = ending in _US_STATES or ending.casefold() in _AMBIGUOUS_NAMES
            what = "also a US state" if state else "not a country build-cv knows"
            hint = f" (`person.location` ends in {quoted(ending)}, {what})"
            guess = "US" if state else None
        example, code = _example(number, guess)
        raise ValueError(
            f"{quoted(number)} is written the national way, but its country is unknown"
            f"{hint}: write it with + and the country code ({example}), or set "
            f"`design.region` to the country's ISO code (e.g. {code})"
        )
    try:
        parsed = phonenumbers.parse(number.translate(_SPACES), None if international else where)
    except phonenumbers.NumberParseException as exc:
        why = re.sub(r"^\(\d+\) ", "", str(exc)).rstrip(".")
        raise ValueError(f"{quoted(number)} is not a phone number ({why})") from None
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        country = "" if international else f" in {where}"
        raise ValueError(f"{quoted(number)} is not a phone number{country}: {_WHY[reason]}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _example(number: str, guess: str | None) -> tuple[str, str]:
    """`number` with its country code when the location suggests a country (a US state),
    and that country's code; else an example that favours no country."""
    import phonenumbers

    if guess is not None:
        try:
            parsed = phonenumbers.parse(number.translate(_SPACES), guess)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is not None and phonenumbers.is_possible_number(parsed):
            shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            return f"in the {guess}: {shown}", guess
    return "+1 for the US and Canada, +44 for the UK, +49 for Germany, ...", "US, GB or DE"


_WHY = {
    1: "no country has this calling code",
    2: "too few digits",
    3: "too many digits",
    4: "a local number: add the area code, so it can be dialled from elsewhere",
    5: "the wrong number of digits",
}
