"""The public side: published wanted notices, the citizen portal and citizen tips."""
