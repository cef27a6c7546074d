"""Common given names (French, with some Dutch/Flemish and Maghrebi ones), folded to lower case without accents.

Used only to tell "Martin Sophie" (family name first, as forms write it) from "Sophie Martin" when neither
is written in capitals; an unknown name falls back to the layout's usual order.
"""
from __future__ import annotations

FIRST_NAMES: frozenset[str] = frozenset("""
adam adele adrien agathe agnes ahmed aicha alain alban albert alexandra alexandre alexis alice aline alix amandine amelie
anais andre andree angelique anne annick annie anthony antoine antoinette apolline armand arnaud arthur audrey aurelie
aurelien axel baptiste barbara bastien beatrice benedicte benjamin benoit bernadette bernard bertrand blandine brigitte bruno
camille carine carole caroline catherine cecile celine chantal charles charlotte chloe christel christelle christian christiane
christine christophe claire clara claude claudine clement clemence colette corinne cyril cyrille damien daniel daniele danielle
david delphine denis denise didier dominique dylan edith edouard elisabeth elise eliane elodie eloise emile emilie emma
emmanuel emmanuelle eric estelle etienne eugenie eva evelyne fabien fabienne fabrice fanny fatima fatiha florence florent florian
francis francine franck francois francoise frederic frederique gabriel gabrielle gael gaelle gaetan genevieve georges gerald
gerard geraldine ghislaine gilbert gilles ginette guillaume guy guylaine helene henri herve hugo hugues ines irene isabelle
jacqueline jacques jean jeanne jeannine jennifer jeremy jerome jessica joel joelle jonathan jordan joseph josette josiane
julie julien juliette justine karim karine kevin laetitia laura laure laurence laurent lea lea leon leonie line lionel lisa
louis louise luc lucas lucie lucien lucienne ludovic lydie madeleine magali manon marc marcel marcelle margaux margot marguerite
maria marianne marie marine mario marion martine mathieu mathilde matthieu maurice maxime melanie michael michel michele
micheline mickael mireille mohamed monique morgane muriel mylene myriam nadia nadine nathalie nicolas nicole noel noemie odette
odile olivier pascal pascale patrice patricia patrick paul paule paulette pauline philippe pierre pierrette quentin rachel
raphael raymond regine remi renee rene richard robert roger roland romain rose sabine samuel sandra sandrine sarah sebastien
serge severine simon simone solange sophie stephane stephanie suzanne sylvain sylvie theo therese thierry thomas timothee
tristan valentin valerie vanessa veronique victor victoria vincent virginie xavier yann yannick yasmine yves yvette yvonne
zoe jan jef joris koen luc pieter bart dirk geert hans jeroen kris marleen els an ann annelies griet hilde inge katrien
lieve sofie tom wim wouter youssef rachid mehdi nabil samir karima leila nora samia sonia farid hakim
""".split())
