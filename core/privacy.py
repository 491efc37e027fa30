"""Pseudonymisation versus anonymisation on a small synthetic customer table, and the linkage attacks
that tell them apart.

GDPR Art. 4(5): pseudonymised data can no longer be attributed to a person *without additional
information kept separately*; Recital 26: it is still personal data, while anonymous information is
not.  PIPL Art. 73 draws the same line (去标识化 vs 匿名化: anonymised data "cannot be restored").
Here the direct identifier (the phone number) is replaced by a keyed hash
HMAC-SHA256(key, salt ‖ phone) (RFC 2104, through ``core.crypto.hmac_digest``), or, to show why a key
matters, by an unkeyed SHA-256(salt ‖ phone).  Whoever holds the key and a list of phone numbers can
recompute every pseudonym: that is the "additional information".  Anonymisation drops the pseudonym,
coarsens the quasi-identifiers (birth year → band, city → region) and suppresses groups smaller than k
(k-anonymity, Sweeney 2002).  All people here are synthetic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import crypto
from core.errors import require

SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
            ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun")]
GIVEN = [("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("磊", "Lei"), ("洋", "Yang"),
         ("艳", "Yan"), ("勇", "Yong"), ("杰", "Jie"), ("婷", "Ting"), ("强", "Qiang"), ("军", "Jun"), ("丽", "Li")]
#: city → region (for generalisation)
CITIES = {"beijing": "north", "tianjin": "north", "shanghai": "east", "hangzhou": "east", "nanjing": "east",
          "guangzhou": "south", "shenzhen": "south", "chengdu": "west", "chongqing": "west", "wuhan": "central"}
QUASI = ("birth_year", "gender", "city")
METHODS = ("sha256", "hmac")


def demo_key(seed: int) -> bytes:
    """A reproducible 32-byte demo key: SHA-256 of a seed label.  A real key comes from a CSPRNG
    (``core.crypto.random_bytes(32)``) and lives in a separate key store."""
    return crypto.sha256(f"fintech-lab demo pseudonymisation key {seed}".encode())


def demo_salt(seed: int) -> bytes:
    """A per-dataset salt (16 bytes), public and stored with the release; it stops two releases from linking."""
    return crypto.sha256(f"fintech-lab demo salt {seed}".encode())[:16]


def synthetic_customers(n: int = 60, seed: int = 7) -> pd.DataFrame:
    """``n`` synthetic customers: id, name (zh, en), phone (11 digits), birth_year, gender, city, balance (fen)."""
    require(isinstance(n, (int, np.integer)) and 10 <= n <= 500, "regulation_privacy_n",
            "number of customers must be 10 to 500", lo=10, hi=500)
    require(isinstance(seed, (int, np.integer)) and 0 <= seed <= 9999, "regulation_seed",
            "seed must be an integer from 0 to 9999", lo=0, hi=9999)
    rng = np.random.default_rng(seed)
    s = rng.integers(0, len(SURNAMES), n)
    g = rng.integers(0, len(GIVEN), n)
    phones = rng.choice(10 ** 8, n, replace=False)                      # distinct subscriber numbers
    prefixes = rng.choice([135, 138, 139, 150, 186, 188], n)
    cities = list(CITIES)
    weights = np.array([3, 1, 3, 2, 1, 2, 2, 2, 1, 1], dtype=float)
    return pd.DataFrame({
        "id": np.arange(1, n + 1),
        "name_zh": [SURNAMES[a][0] + GIVEN[b][0] for a, b in zip(s, g)],
        "name_en": [f"{SURNAMES[a][1]} {GIVEN[b][1]}" for a, b in zip(s, g)],
        "phone": [f"{p}{q:08d}" for p, q in zip(prefixes, phones)],
        "birth_year": rng.integers(1960, 2006, n),
        "gender": rng.choice(["F", "M"], n),
        "city": rng.choice(cities, n, p=weights / weights.sum()),
        "balance": (np.exp(rng.normal(np.log(20_000), 1.0, n)) * 100).astype(np.int64),
    })


def pseudonym(phone: str, key: bytes, salt: bytes, method: str = "hmac") -> str:
    """The pseudonym of one phone number: first 16 hex digits of HMAC-SHA256(key, salt ‖ phone), or of
    SHA-256(salt ‖ phone) for the unkeyed method."""
    require(method in METHODS, "regulation_privacy_method", f"method must be one of {METHODS}", method=method)
    message = salt + phone.encode("utf-8")
    digest = crypto.hmac_digest(key, message, "sha256") if method == "hmac" else crypto.sha256(message)
    return digest.hex()[:16]


@dataclass(frozen=True)
class Release:
    """A released table plus the separately kept lookup (pseudonym → id) that only the controller holds."""

    table: pd.DataFrame
    lookup: dict


def pseudonymise(customers: pd.DataFrame, key: bytes, salt: bytes, method: str = "hmac") -> Release:
    """Replace name and phone by the pseudonym; keep the quasi-identifiers and the balance (GDPR Art. 4(5))."""
    pseud = [pseudonym(p, key, salt, method) for p in customers["phone"]]
    require(len(set(pseud)) == len(pseud), "regulation_privacy_collision", "two customers got the same pseudonym")
    table = customers[list(QUASI) + ["balance"]].copy()
    table.insert(0, "pseudonym", pseud)
    return Release(table.reset_index(drop=True), dict(zip(pseud, customers["id"].astype(int))))


def reidentify(release: Release, customers: pd.DataFrame) -> pd.DataFrame:
    """The controller's round trip: pseudonym → id (lookup) → the original row."""
    ids = [release.lookup[p] for p in release.table["pseudonym"]]
    return customers.set_index("id").loc[ids].reset_index()


def band(year: int, width: int) -> str:
    """Birth year → a band of ``width`` years, e.g. 1987, 10 → '1980–1989'."""
    require(isinstance(width, int) and 1 <= width <= 1000, "regulation_privacy_width",
            "band width must be a whole number of years")
    lo = (int(year) // width) * width
    return f"{lo}–{lo + width - 1}"


def anonymise(customers: pd.DataFrame, k: int = 3, width: int = 10) -> pd.DataFrame:
    """Drop direct identifiers and pseudonyms, coarsen birth year to ``width``-year bands and city to region,
    round the balance to ¥1,000, and suppress every row whose (band, gender, region) group has fewer than
    ``k`` rows — the result is k-anonymous on those quasi-identifiers (Sweeney 2002)."""
    require(isinstance(k, (int, np.integer)) and 1 <= k <= 20, "regulation_privacy_k", "k must be 1 to 20",
            lo=1, hi=20)
    require(width in (1, 5, 10, 20), "regulation_privacy_width", "band width must be 1, 5, 10 or 20 years")
    table = pd.DataFrame({"birth_band": [band(y, width) for y in customers["birth_year"]],
                          "gender": customers["gender"].to_numpy(),
                          "region": customers["city"].map(CITIES).to_numpy(),
                          "balance_k": (customers["balance"].to_numpy() // 100_000).astype(int)})
    size = table.groupby(["birth_band", "gender", "region"])["gender"].transform("size")
    return table[size >= k].reset_index(drop=True)


def attacker_list(customers: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """What an attacker knows from elsewhere (a leaked phone book, social profiles): name, phone, birth year,
    gender, city of a random ``share`` of the customers."""
    require(0.0 < share <= 1.0, "regulation_privacy_share", "attacker's share must be above 0 and at most 1")
    rng = np.random.default_rng(seed + 1)
    m = max(1, int(round(share * len(customers))))
    pick = np.sort(rng.choice(len(customers), m, replace=False))
    return customers.iloc[pick][["id", "name_zh", "name_en", "phone"] + list(QUASI)].reset_index(drop=True)


def attack_with_key(release: Release, aux: pd.DataFrame, key: bytes | None, salt: bytes,
                    method: str = "hmac") -> pd.DataFrame:
    """Dictionary attack: hash every phone on the attacker's list and look for it in the release.

    Works for the unkeyed method (salt is public) and for HMAC once the key has leaked; with HMAC and
    no key it finds nothing.  Returns the matches: the attacker's id guess, the true id, and whether right.
    """
    if method == "hmac" and key is None:
        return pd.DataFrame(columns=["pseudonym", "guess_id", "true_id", "correct"])
    index = {p: i for i, p in enumerate(release.table["pseudonym"])}
    rows = []
    for row in aux.itertuples():
        p = pseudonym(row.phone, key if key is not None else b"", salt, method)
        if p in index:
            true_id = release.lookup[p]
            rows.append({"pseudonym": p, "guess_id": int(row.id), "true_id": int(true_id),
                         "correct": int(row.id) == int(true_id)})
    return pd.DataFrame(rows, columns=["pseudonym", "guess_id", "true_id", "correct"])


def attack_by_quasi(released: pd.DataFrame, aux: pd.DataFrame, columns: list[str],
                    aux_columns: list[str] | None = None, true_ids=None) -> pd.DataFrame:
    """Linkage attack on quasi-identifiers: an attacker's record links to a released row when exactly one
    released row has the same values (singling out, Recital 26).  ``true_ids`` (the release's hidden ids,
    same order) lets us score the guesses."""
    aux_columns = aux_columns or columns
    keyed = released.reset_index(drop=True)
    groups = keyed.groupby(columns).indices
    rows = []
    for row in aux.itertuples(index=False):
        values = tuple(getattr(row, c) for c in aux_columns)
        hit = groups.get(values if len(values) > 1 else values[0])
        if hit is not None and len(hit) == 1:
            truth = int(true_ids[hit[0]]) if true_ids is not None else -1
            rows.append({"row": int(hit[0]), "guess_id": int(row.id), "true_id": truth,
                         "correct": truth == int(row.id)})
    return pd.DataFrame(rows, columns=["row", "guess_id", "true_id", "correct"])


def privacy_experiment(n: int, seed: int, share: float, k: int, width: int) -> dict:
    """Every release of the same customers attacked the same way; counts of records correctly re-identified.

    Scenarios: unkeyed SHA-256 pseudonyms (dictionary attack), HMAC pseudonyms with the key secret, HMAC
    with the key leaked, quasi-identifier linkage on the pseudonymised table, and on the k-anonymous table.
    """
    customers = synthetic_customers(n, seed)
    key, salt = demo_key(seed), demo_salt(seed)
    aux = attacker_list(customers, share, seed)
    plain = pseudonymise(customers, key, salt, "sha256")
    keyed = pseudonymise(customers, key, salt, "hmac")
    anon_rows = anonymise(customers, k, width)
    aux_g = aux.assign(birth_band=[band(y, width) for y in aux["birth_year"]], region=aux["city"].map(CITIES))
    # scoring the anonymous table needs the hidden ids of its rows (never released): rebuild them
    kept = customers.assign(birth_band=[band(y, width) for y in customers["birth_year"]],
                            region=customers["city"].map(CITIES))
    sizes = kept.groupby(["birth_band", "gender", "region"])["id"].transform("size")
    kept_ids = kept.loc[sizes >= k, "id"].to_numpy()
    results = {
        "sha256": attack_with_key(plain, aux, None, salt, "sha256"),
        "hmac_secret": attack_with_key(keyed, aux, None, salt, "hmac"),
        "hmac_leaked": attack_with_key(keyed, aux, key, salt, "hmac"),
        "quasi": attack_by_quasi(keyed.table, aux, list(QUASI), true_ids=customers["id"].to_numpy()),
        "anonymous": attack_by_quasi(anon_rows, aux_g, ["birth_band", "gender", "region"],
                                     true_ids=kept_ids),
    }
    counts = {name: int(df["correct"].sum()) if len(df) else 0 for name, df in results.items()}
    return {"customers": customers, "aux": aux, "plain": plain, "keyed": keyed, "anonymous": anon_rows,
            "results": results, "counts": counts, "n": n, "known": len(aux), "kept": len(anon_rows),
            "suppressed": n - len(anon_rows)}
