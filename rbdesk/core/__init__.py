"""rbdesk.core: everything that is not GUI. Never imports PySide6.

The GUI and CLI talk to :class:`rbdesk.core.facade.Library`.
"""
