//! `score(password, inputs)`: zxcvbn's 0–4 for a password, with the user's other fields
//! (username, display name) as words an attacker would try first. The app imports this
//! module on demand (`app::client::browser::password_score`).

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn score(password: &str, inputs: Vec<String>) -> u8 {
    if password.is_empty() {
        return 0;
    }
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    zxcvbn::zxcvbn(password, &inputs).score() as u8
}

#[cfg(test)]
mod tests {
    use super::score;

    #[test]
    fn guessable_passwords_score_low_and_phrases_high() {
        assert_eq!(score("", vec![]), 0);
        assert!(score("password1", vec![]) < 3);
        // The user's own name is among the first guesses.
        assert!(score("margaretholloway", vec!["margaretholloway".into()]) < 3);
        assert!(score("lantern harbour pebble 6620", vec![]) >= 3);
    }
}
