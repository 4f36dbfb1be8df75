"""Landing: export files and unit workbooks typed, checked and written to staging."""
