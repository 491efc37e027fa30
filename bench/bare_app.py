"""The bare Streamlit page the class benchmark compares with: a title, a slider, a line of text."""
import streamlit as st

st.title("Bare page")
value = st.slider("Value", 0, 100, 50, key="value")
st.write(f"The value is {value}.")
