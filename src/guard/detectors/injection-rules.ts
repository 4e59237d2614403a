// Phrase rules that add recall where the training data is thin: other languages, prompt-extraction
// wording, chat-template tokens. Each has a label for spans and a score it implies on its own.
// Deliberately NOT here: "act as …", "pretend to be …", "forget my previous command" — ordinary requests.

export interface PhraseRule {
  label: string;
  score: number;
  pattern: RegExp;
}

const OVERRIDE_VERB = String.raw`(?:ignore|disregard|forget|overlook|skip|bypass|override|drop|discard|neglect|abandon)`;
const PRIOR = String.raw`(?:previous|prior|preceding|above|earlier|former|initial|original|foregoing|system|all(?: of)? (?:the|your)|your|these|those|any)`;
const RULES_NOUN = String.raw`(?:instructions?|directions?|directives?|guidelines?|rules|prompts?|commands? (?:above|given)|programming|restrictions|constraints|context|guardrails|safety (?:rules|guidelines|filters))`;

export const INJECTION_RULES: PhraseRule[] = [
  {
    label: 'ignore-previous-instructions',
    score: 0.95,
    pattern: new RegExp(String.raw`\b${OVERRIDE_VERB}\b(?:\s+\w+){0,3}?\s+${PRIOR}(?:\s+\w+){0,2}?\s+${RULES_NOUN}\b`, 'i'),
  },
  {
    label: 'ignore-the-above',
    score: 0.9,
    pattern: /\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+)?(?:the\s+)?(?:above|before|that came before|you (?:have been|were) told)\b/i,
  },
  {
    label: 'new-instructions',
    score: 0.85,
    pattern: /\b(?:new|updated|real|actual|true)\s+(?:instructions?|directives?|task|system prompt)\s*(?::|are|is)\s/i,
  },
  {
    label: 'prompt-extraction',
    score: 0.9,
    pattern:
      /\b(?:reveal|print|show|display|repeat|output|dump|leak|tell me|give me|what (?:is|are|was|were)|list|spell out|write (?:out|down))\b[^.?!\n]{0,40}\b(?:your|the|its|ur)\s+(?:(?:full|entire|original|initial|hidden|secret|exact|complete)\s+)*(?:system\s+(?:prompt|message|instructions?)|pre-?prompt|initial (?:prompt|instructions?)|hidden (?:prompt|instructions?)|instructions you (?:were|have been) given|prompt above)\b/i,
  },
  {
    label: 'repeat-text-above',
    score: 0.8,
    pattern: /\b(?:repeat|output|print|copy)\s+(?:all\s+|everything\s+|the\s+)?(?:text|words|everything|content)\s+(?:above|before (?:this|the))\b/i,
  },
  {
    label: 'persona-jailbreak',
    score: 0.95,
    pattern:
      /\b(?:DAN|STAN|DUDE|AIM|ANTI-DAN)\b[^.\n]{0,80}\b(?:do anything now|no (?:restrictions|limits|filters|rules)|jailbr(?:o|ea)ke?n?|unfiltered|amoral)|\bdo anything now\b|\b(?:developer|god|jailbreak|unrestricted|evil) mode\b[^.\n]{0,40}\b(?:enabled|activated|on|output)\b/i,
  },
  {
    label: 'no-restrictions',
    score: 0.75,
    pattern:
      /\b(?:without|free (?:of|from)|no longer (?:bound|restricted) by|not bound by|broken free of)\s+(?:any\s+)?(?:ethical|moral|content|openai|safety)?\s*(?:restrictions|filters|guidelines|policies|censorship|limitations|rules)\b[^.\n]{0,60}\b(?:answer|respond|reply|say|you will|you can)\b/i,
  },
  {
    label: 'chat-template-token',
    score: 0.85,
    pattern: /<\|(?:im_start|im_end|system|endoftext|start_header_id|eot_id)\|>|\[\/?INST\]|<<SYS>>|^\s*#{2,}\s*(?:system|instruction)s?\s*:?\s*$/im,
  },
  {
    label: 'fake-system-message',
    score: 0.8,
    pattern: /(?:^|\n)\s*(?:\[|<|\*\*)?\s*(?:system|admin|developer)\s*(?:override|mode|message|note|update)?\s*(?:\]|>|\*\*)?\s*:\s*(?:ignore|you (?:are|must|will)|new|from now on|disregard)/i,
  },
];

// The same override intent in the languages users and translated attacks use most.
export const MULTILINGUAL_RULES: PhraseRule[] = [
  ['es', /\b(?:ignora|olvida|omite|descarta)\w*\s+(?:\p{L}+\s+){0,3}(?:instrucciones|indicaciones|reglas|órdenes)\s+(?:anteriores|previas)|\bignora\w*\s+(?:todo\s+)?lo\s+anterior/iu],
  ['fr', /\b(?:ignore[rz]?|oublie[rz]?|négligez?)\s+(?:\p{L}+\s+){0,3}(?:instructions|consignes|directives|règles)\s+(?:précédentes|antérieures|ci-dessus)|\bignore[rz]?\s+(?:tout\s+)?ce qui (?:précède|est au-dessus)/iu],
  ['de', /\b(?:ignorier\w*|vergiss|vergessen sie|missachte\w*)\s+(?:\p{L}+\s+){0,3}(?:vorherigen?|bisherigen?|obigen?|früheren?)\s+(?:anweisungen|anordnungen|instruktionen|regeln)|\bignoriere\w*\s+(?:alles\s+)?(?:oben|vorherige)/iu],
  ['it', /\b(?:ignora|dimentica|trascura)\w*\s+(?:\p{L}+\s+){0,3}(?:istruzioni|indicazioni|regole)\s+(?:precedenti|sopra)|\bignora\w*\s+(?:tutto\s+)?(?:quanto\s+)?(?:sopra|precede)/iu],
  ['pt', /\b(?:ignore|ignora|esqueça|esqueca|desconsidere)\w*\s+(?:\p{L}+\s+){0,3}(?:instruções|instrucoes|orientações|regras)\s+(?:anteriores|acima|prévias)|\bignor[ea]\s+(?:tudo\s+)?o\s+(?:que está\s+)?acima/iu],
  ['ru', /(?:игнорир\p{L}*|забуд\p{L}*|проигнорир\p{L}*|не обращай\p{L}* внимани\p{L}* на)\s+(?:\p{L}+\s+){0,3}(?:предыдущ\p{L}*|прежн\p{L}*|вышеуказанн\p{L}*|все)\s+(?:\p{L}+\s+)?(?:инструкци\p{L}*|указани\p{L}*|правил\p{L}*)|(?:игнорир\p{L}*|забуд\p{L}*)\s+(?:всё|все)?\s*(?:вышесказанное|выше)/iu],
  ['tr', /(?:önceki|yukarıdaki|önceden verilen)\s+(?:\p{L}+\s+){0,2}(?:talimatları|talimatlar|yönergeleri|kuralları)\s*(?:\p{L}+\s+){0,2}(?:yok say|görmezden gel|unut|dikkate alma)|yukarıdakileri\s+(?:görmezden gel|yok say|unut)/iu],
  ['hi', /(?:पिछले|पिछली|पूर्व|ऊपर\s+दिए\s+गए|ऊपर के|पहले के)\s+(?:\p{L}+\s+){0,3}(?:निर्देशों|निर्देश|आदेशों|नियमों)\s*(?:\p{L}+\s+){0,2}(?:को\s+)?(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल|उपेक्षा)|(?:ऊपर|उपरोक्त)\s+(?:\p{L}+\s+){0,3}(?:को\s+)?(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल)/u],
  ['bn', /(?:পূর্ববর্তী|আগের|উপরের)\s+(?:\p{L}+\s+){0,3}(?:নির্দেশাবলী|নির্দেশনা|নির্দেশ)\s*(?:\p{L}+\s+){0,2}(?:উপেক্ষা|ভুলে)|উপরের\s*(?:সবকিছু|বিষয়গুলি)?\s*(?:উপেক্ষা|ভুলে)/u],
  ['zh', /(?:忽略|无视|忘记|忘掉|不要理会|忽視|無視)\s*(?:掉)?\s*(?:所有|一切)?\s*(?:之前|以前|先前|上面|上述|前面|以上)\s*(?:的)?\s*(?:所有)?\s*(?:指令|指示|说明|說明|规则|規則|内容|提示)?/u],
  ['ja', /(?:以前|前|上記|これまで|上)の\s*(?:すべての)?\s*(?:指示|命令|指令|ルール|説明)\s*(?:を|は)?\s*(?:すべて)?\s*(?:無視|忘れ)/u],
  ['ko', /(?:이전|위의|앞의|기존)\s*(?:의\s*)?(?:모든\s*)?(?:지시|지침|명령|규칙|지시사항|내용)\s*(?:을|를|은|는)?\s*(?:모두\s*)?(?:무시|잊어)/u],
  ['ar', /(?:تجاهل|انس|إنس|تناسى|اترك)\s+(?:\p{L}+\s+){0,2}(?:التعليمات|الإرشادات|الأوامر|التوجيهات|ما سبق|كل ما سبق|ما ورد أعلاه)/u],
  ['vi', /\b(?:bỏ qua|phớt lờ|quên|lờ đi)\s+(?:\p{L}+\s+){0,3}(?:hướng dẫn|chỉ dẫn|chỉ thị|lệnh|quy tắc|những điều)\s*(?:\p{L}+\s+){0,2}(?:trước|ở trên|phía trên|trên)/iu],
  ['id', /\b(?:abaikan|lupakan|acuhkan)\s+(?:\p{L}+\s+){0,3}(?:instruksi|petunjuk|perintah|aturan|arahan)\s+(?:sebelumnya|di atas|terdahulu)|\babaikan\s+(?:semua\s+)?(?:yang\s+)?di\s+atas/iu],
  ['th', /(?:เพิกเฉย|ละเว้น|ละเลย|ลืม|ไม่ต้องสนใจ)\s*(?:ต่อ)?\s*(?:\p{L}*\s*)?(?:คำแนะนำ|คำสั่ง|กฎ|ข้อความ)\s*(?:\p{L}*\s*)?(?:ก่อนหน้า|ข้างต้น|ด้านบน)/u],
  ['tl', /\b(?:huwag pansinin|kalimutan|balewalain|ignorahin)\s+(?:\p{L}+\s+){0,3}(?:mga\s+)?(?:naunang|nakaraang|naunang mga|nasa itaas na)?\s*(?:tagubilin|instruksyon|utos|panuto|nasa itaas)/iu],
].map(([lang, pattern]) => ({ label: `ignore-previous-instructions:${lang as string}`, score: 0.9, pattern: pattern as RegExp }));

// Words that ask for a protected secret, in many languages; used with the system prompt in context.
export const SECRET_WORDS =
  /\b(?:pass(?:word|code|phrase)|secret|pin(?: code)?|access code|credentials?|api key|secret key|birth ?(?:date|day)|date of birth|born|e-?mail|address|phone|initials|social security)\b|contraseña|clave secreta|mot de passe|clé secrète|passwort|geheim|senha|chave secreta|пароль|секрет|şifre|parola|gizli anahtar|पासवर्ड|गुप्त|पासवर्ड|পাসওয়ার্ড|গোপন|密码|密碼|秘密|密钥|パスワード|秘密鍵|비밀번호|암호|비밀|كلمة المرور|كلمة السر|السري|mật khẩu|khóa bí mật|kata sandi|kunci rahasia|รหัสผ่าน|ความลับ|salita ng pasword|password|doğum|生日|出生|誕生日|생년월일|생일|تاريخ الميلاد|ngày sinh|tanggal lahir|วันเกิด|kaarawan|जन्म|জন্ম|nascimento|nacimiento|naissance|geburt|nascita|рождени/iu;

// A system prompt that asks to keep something secret (translated system prompts included).
export const CONFIDENTIAL_SYSTEM =
  /\b(?:do not|don'?t|dont|never|must not|should not)\s+(?:\w+\s+){0,2}(?:reveal|share|disclose|tell|give|expose|leak|output|say)|\bsecret\b|\bconfidential\b|\bpassword\b|no (?:reveles|compartas)|ne (?:révélez|partagez|divulguez)|nicht (?:preis|verraten|weiter)|non (?:rivelare|condividere)|não (?:revele|compartilhe)|не (?:раскрывай|разглашай|сообщай|делись)|ifşa etme|paylaşma|प्रकट न|साझा न|মোবাইল|প্রকাশ কর(?:বেন|ে) না|不要(?:透露|泄露|告诉|分享)|開示しない|明かさない|教えないで|공개하지|누설하지|لا تكشف|لا تشارك|không (?:tiết lộ|chia sẻ)|jangan (?:mengungkapkan|membagikan|beri)|อย่าเปิดเผย|huwag ibunyag|huwag ibahagi|secreta|secrète|segreta|geheim|секрет|gizli|गुप्त|গোপন|秘密|비밀|سري|bí mật|rahasia|ความลับ|lihim/iu;

export function matchRules(text: string, rules: PhraseRule[]): { rule: PhraseRule; index: number; length: number }[] {
  const hits: { rule: PhraseRule; index: number; length: number }[] = [];
  for (const rule of rules) {
    const m = rule.pattern.exec(text);
    if (m) hits.push({ rule, index: m.index, length: m[0].length });
  }
  return hits;
}
