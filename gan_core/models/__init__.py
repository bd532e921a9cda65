"""Networks: generator and discriminator builders (Keras 3) from a frozen ModelConfig, and pretrained models.

- `config`: ModelConfig; `dcgan`, `biggan`: the architectures; `summary`: their layer tables
- `hub`: loading TF Hub models (BigGAN-deep, Inception) and the clear error when offline
- `weights_file`: generator weight files, including older ones; `tracing`: traced steps that free their graphs
TensorFlow loads on first build.
"""
