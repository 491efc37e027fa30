"""Shared presentation for FinTech Lab pages: ``import ui`` then ``T = ui.frame("page")``."""
from ui.frame import available_pages, frame, lang, link_params, page_exists, presenter, translator
from ui.player import step_player
from ui.references import references
from ui.sections import BIND, sections
from ui.widgets import (OKABE_ITO, big, chart, download_csv, explain, figure, file_figures, filed_figures, guard,
                        header, money, num, pct, quiz, run_summary, source_note, style_figure, summary_download, sync_url, takeaway,
                        url_value, what_happened, yuan)

__all__ = [
    "BIND", "OKABE_ITO", "available_pages", "big", "chart", "download_csv", "explain", "figure", "file_figures",
    "filed_figures", "frame", "guard", "header", "lang",
    "link_params", "money", "num", "page_exists", "pct", "presenter", "quiz", "references", "run_summary", "sections", "source_note",
    "step_player",
    "style_figure", "summary_download", "sync_url", "takeaway", "translator", "url_value", "what_happened", "yuan",
]
