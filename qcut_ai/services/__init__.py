"""Services without Qt: paths, settings, key storage, fal gateway, downloads, stand-in."""
