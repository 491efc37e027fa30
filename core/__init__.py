"""Pure simulations for FinTech Lab: no streamlit, no ui, deterministic given a seed."""
