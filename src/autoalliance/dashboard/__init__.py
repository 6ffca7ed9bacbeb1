"""The web dashboard: the Streamlit app and the token-checking server in front of it."""
