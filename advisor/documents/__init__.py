"""Documents a person keeps or sends: the printable action plan (`plan`) and the
letters the advice recommends (`letters`), as text or self-contained HTML
(`html_page`).  They are made from an Advice and its Situation, never concluded anew."""
