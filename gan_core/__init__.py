"""GAN Playground's library: data, models, training, sampling and evaluation, with no Streamlit in it.

Importing this package is cheap: TensorFlow is imported on first use by the modules that need it.
"""

__version__ = "0.1.0"
