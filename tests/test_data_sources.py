"""Every fact table in data/ names a source on every row, and nothing unverified is shown."""
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
#: datasets (not fact tables) documented by a README beside them
DATASETS = {"german_credit.csv": "german_credit.README.md"}
TABLES = sorted(p.name for p in DATA.glob("*.csv") if p.name not in DATASETS)


@pytest.mark.parametrize("name", TABLES)
def test_fact_table_is_sourced_row_by_row(name):
    df = pd.read_csv(DATA / name, dtype=str, keep_default_na=False)
    assert "source" in df.columns, f"{name} has no source column"
    assert len(df) > 0
    empty = df[df["source"].str.strip().str.len() < 5]
    assert empty.empty, f"{name}: rows without a source: {empty.index.tolist()}"
    flagged = df[df.apply(lambda row: row.astype(str).str.contains("UNVERIFIED|from memory", case=False).any(),
                          axis=1)]
    assert flagged.empty, f"{name}: unverified rows are shown: {flagged.index.tolist()}"


@pytest.mark.parametrize("name,readme", sorted(DATASETS.items()))
def test_datasets_have_a_readme_with_source_and_licence(name, readme):
    text = (DATA / readme).read_text(encoding="utf-8").lower()
    assert (DATA / name).exists()
    assert ("source" in text or "uci" in text) and "licen" in text
