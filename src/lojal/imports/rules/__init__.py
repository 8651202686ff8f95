"""The import's rules for reading values, as plain functions without Django: numbers, names, legal
forms and postal codes. A pipeline on another library (a columnar one, say) can reuse them as they are;
errors carry a reason code for the caller to translate."""
