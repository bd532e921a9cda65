"""Training: the configuration (no TensorFlow) and the compiled GAN train step (TensorFlow)."""
