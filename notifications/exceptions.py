class NotificationSendError(Exception):
    """The SMTP server refused or could not be reached (recorded on the row; the task retries)."""
