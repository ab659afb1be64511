class CertificateError(Exception):
    """A certificate operation that cannot be done (e.g. revoking a certificate twice)."""
