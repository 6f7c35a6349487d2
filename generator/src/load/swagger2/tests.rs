//! Swagger 2.0 conversion: the document it makes, and where its pointers
//! lead back to.
