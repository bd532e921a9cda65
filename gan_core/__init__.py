"""GAN Playground's library: data, models, training, sampling and evaluation, with no Streamlit in it.

Each concern has its package: `data` (datasets, own images, tf.data), `downloads` (fetching TF Hub modules and
Keras datasets once), `models` (networks, TF Hub, weight files), `training` (the step, losses, presets),
`runs` (run folders and the threaded runs that write them), `explore` (the Explorer's samplers and links),
`evaluation` (FID, KID, precision/recall, the coach), `pictures` (grids, GIF/MP4, charts) and `toy` (Inside a
GAN). What stays here is what every package shares:

- `settings`: where files live and whether the network may be used (from the environment)
- `limits`: what one server lets its visitors do (laptop or hosted)
- `errors`: the base of every error whose message is one sentence for a person
- `words`, `atomic_files`, `config_dict`: plural phrasing, crash-safe writes, strict config-from-JSON
- `cli` (and `__main__`): the command line, which drives all packages

Importing this package is cheap: TensorFlow is imported on first use by the modules that need it.
"""

__version__ = "0.1.0"
