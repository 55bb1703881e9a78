"""DALL·E Studio: a desktop studio for AI inpainting on the OpenAI Images API."""

__version__ = "0.1.0"
APP_NAME = "DALL·E Studio"
APP_ID = "dalle-studio"
