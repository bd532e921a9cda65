"""The Hugging Face Hub: a run pushed as a model repo, `hf://user/name` opened as a generator, and a Space's runs
kept in a dataset repo. Everything goes through `huggingface_hub` (its endpoint, token and cache)."""
