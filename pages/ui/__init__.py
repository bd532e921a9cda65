"""Streamlit-aware helpers shared by the pages: cached resources, the sidebar, image display."""
