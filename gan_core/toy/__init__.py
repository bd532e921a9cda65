"""Inside a GAN: 2-D toy data, small MLP GANs trained on the same run machinery, and what a class sees of them."""
