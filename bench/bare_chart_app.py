"""The bare page plus one small plotly chart: what loading plotly.js alone costs a browser."""
import plotly.graph_objects as go
import streamlit as st

st.title("Bare page with one chart")
value = st.slider("Value", 0, 100, 50, key="value")
st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=[value, 20, 30])), theme="streamlit")
