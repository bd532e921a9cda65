# GAN Playground as a Hugging Face Space (Docker SDK; README front matter: sdk: docker, app_port: 8501).
# Build and try it locally: docker build -t gan-playground . && docker run -p 8501:8501 gan-playground
FROM python:3.11-slim

# Keeping a class's runs across restarts and rebuilds (optional; nothing changes without them). In the Space's
# Settings -> Variables and secrets: a secret HF_TOKEN (a token with write access) and a variable
# GAN_PLAYGROUND_HUB_SYNC=your-user/your-space-runs (a dataset repo; created private on first use). Ended runs are
# committed there every GAN_PLAYGROUND_HUB_SYNC_MINUTES (default 5) and brought back before the first visitor.
# Spaces run the container as user 1000; files it writes must belong to that user.
RUN useradd --create-home --uid 1000 user
USER user
ENV HOME=/home/user \
    PATH=/home/user/.local/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    GAN_PLAYGROUND_HOSTED=1 \
    GAN_PLAYGROUND_HOME=/home/user/workspace \
    TFHUB_CACHE_DIR=/home/user/.cache/tfhub
WORKDIR /home/user/app

COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir --user -r requirements.txt
COPY --chown=user . .
# Bake in what the app would otherwise download on a visitor's first use (a Space has internet while it builds):
# the same `fetch` a teacher runs at home (tests/test_fetch.py), so no visitor waits for a download. It adds
# about 620 MB to the image: BigGAN-deep 128 (~230 MB), ProGAN-128's faces (~90 MB), Inception for FID (~90 MB),
# MNIST (11 MB), Fashion-MNIST (30 MB), CIFAR-10 (~180 MB extracted; its 163 MB archive is deleted, the app reads
# the extracted files).
# A failed fetch fails the build, rather than a Space that downloads at its first visitor's expense.
RUN python -m gan_core fetch biggan-deep-128 progan-128 inception mnist fashion_mnist cifar10 \
 && rm -f /home/user/.keras/datasets/*_archive

EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
# A Space shows the app in an iframe on huggingface.co: uploads work there only with XSRF protection off, so it
# is turned off here, for the Space alone (.streamlit/config.toml keeps it on everywhere else). CORS likewise.
# scripts/serve.py loads the Explorer's default model and draws its first grid in the background, then runs
# `streamlit run app.py` with these options: the first visitor does not wait for it.
CMD ["python", "scripts/serve.py", \
     "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true", \
     "--server.enableXsrfProtection=false", "--server.enableCORS=false", "--server.maxUploadSize=20"]
