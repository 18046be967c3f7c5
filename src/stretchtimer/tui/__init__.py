"""The Textual app: screens, widgets and one stylesheet. No timing logic lives here."""
