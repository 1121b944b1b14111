"""The App Home tab: what is waiting for each person, and the incidents in flight."""
