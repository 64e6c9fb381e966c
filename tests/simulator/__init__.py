"""A real HTTP simulator of the Harmony Mobile external API and the SmartPT API."""
