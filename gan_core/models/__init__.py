"""Generator and discriminator builders (Keras 3) from a frozen ModelConfig. TensorFlow loads on first build."""
