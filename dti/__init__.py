"""DTI warehouse: the monthly digital-transformation figures of Vũng Tàu city."""
