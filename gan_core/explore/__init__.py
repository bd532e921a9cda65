"""The Explorer: one numpy-in / numpy-out sampler for every generator, and what the page needs around it.

- `samplers`: BigGAN-deep from TF Hub, the shipped runs and a person's own; `choices`: which models to offer
- `classes`, `latent`: class catalogues and search; noise, truncation and class vectors
- `pipeline`, `render_cache`: grids, strips and interpolations, cached per request; `warmup`: loading ahead
- `link`: a shareable URL's parameters, parsed and bounded
"""
