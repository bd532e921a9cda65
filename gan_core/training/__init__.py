"""Training: the configuration and presets (no TensorFlow), and the compiled GAN step with what it computes.

- `config`, `presets`: TrainConfig and sane defaults per dataset; `form`: the Train page's forms as values
- `recipe`: what differs between kinds of run (image or toy)
- `engine`: GANTrainer, the compiled train step; `losses`: BCE, hinge, WGAN-GP, LSGAN; `augment`: DiffAugment
- `cluster`: multi-worker training from TF_CONFIG
"""
