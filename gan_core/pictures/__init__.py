"""Pictures and charts as values: image grids and PNG/GIF/MP4 bytes (`render`), Plotly figures of a run's curves
and scores (`charts`). Numpy and Pillow in, bytes or figures out; no TensorFlow, no Streamlit."""
