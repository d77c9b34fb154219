"""Operations: the command line, backups, the register import and mail."""
