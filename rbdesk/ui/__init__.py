"""rbdesk.ui: PySide6 widgets only. All logic lives in rbdesk.core."""
