"""The Explorer: latent tools, class catalogues and one numpy-in / numpy-out sampler for every generator."""
