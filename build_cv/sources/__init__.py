"""Reading the files a CV is kept in into the validated model, every value located."""
