import type * as Phaser from 'phaser';

const FONT = '"Trebuchet MS", Verdana, sans-serif';
const BUBBLE_WIDTH = 150;

/** An NPC in the world: its sprite (mouth frames 0–2), name tag, speech bubble and talk prompt. */
export class NpcView {
  readonly sprite: Phaser.Types.Physics.Arcade.SpriteWithStaticBody;
  private readonly bubble: Phaser.GameObjects.Container;
  private readonly bubbleBg: Phaser.GameObjects.Graphics;
  private readonly bubbleText: Phaser.GameObjects.Text;
  private readonly prompt: Phaser.GameObjects.Text;
  private hideAt = 0;

  constructor(
    private readonly scene: Phaser.Scene,
    texture: string,
    x: number,
    y: number,
    name: string,
  ) {
    this.sprite = scene.physics.add.staticSprite(x, y, texture, 0);
    this.sprite.setSize(12, 10).setOffset(2, 14).setDepth(y);
    this.sprite.refreshBody();
    const text = (size: number, colour: string) => ({ fontFamily: FONT, fontSize: `${size}px`, color: colour, resolution: 4 });
    scene.add
      .text(x, y - 17, name, { ...text(7, '#ffffff'), stroke: '#181425', strokeThickness: 2 })
      .setOrigin(0.5, 1)
      .setDepth(10_000);
    this.bubbleBg = scene.add.graphics();
    this.bubbleText = scene.add
      .text(0, 0, '', { ...text(7, '#181425'), wordWrap: { width: BUBBLE_WIDTH - 12 }, lineSpacing: 1 })
      .setOrigin(0.5, 1);
    this.bubble = scene.add
      .container(x, y - 30, [this.bubbleBg, this.bubbleText])
      .setDepth(10_001)
      .setVisible(false);
    this.prompt = scene.add
      .text(x, y - 26, 'E  to talk', { ...text(7, '#fee761'), stroke: '#181425', strokeThickness: 3 })
      .setOrigin(0.5, 1)
      .setDepth(10_002)
      .setVisible(false);
    scene.tweens.add({ targets: this.prompt, y: y - 28, duration: 600, yoyo: true, repeat: -1, ease: 'Sine.easeInOut' });
  }

  get x(): number {
    return this.sprite.x;
  }
  get y(): number {
    return this.sprite.y;
  }

  /** Shows the subtitle in the bubble (and keeps it up a moment after the line ends). */
  say(text: string, final: boolean): void {
    if (!text.trim()) return;
    this.bubbleText.setText(text.trim());
    const b = this.bubbleText.getBounds();
    const w = Math.min(BUBBLE_WIDTH, Math.max(40, b.width + 12));
    const h = b.height + 8;
    this.bubbleText.setPosition(0, -6);
    const g = this.bubbleBg;
    g.clear();
    g.fillStyle(0xffffff, 0.96);
    g.lineStyle(1, 0x181425, 1);
    g.fillRoundedRect(-w / 2, -h - 2, w, h, 4);
    g.strokeRoundedRect(-w / 2, -h - 2, w, h, 4);
    g.fillTriangle(-4, -2, 4, -2, 0, 4);
    g.lineBetween(-4, -2, 0, 4);
    g.lineBetween(4, -2, 0, 4);
    this.bubble.setVisible(true);
    this.prompt.setVisible(false);
    this.hideAt = final ? this.scene.time.now + 2500 : 0;
  }

  /** "Thinking…" while the NPC gets ready to answer. */
  think(on: boolean): void {
    if (on) this.say('…', false);
    else if (this.bubbleText.text === '…') this.bubble.setVisible(false);
  }

  clearBubble(): void {
    this.bubble.setVisible(false);
    this.hideAt = 0;
  }

  showPrompt(visible: boolean, label = 'E  to talk'): void {
    this.prompt.setText(label);
    this.prompt.setVisible(visible && !this.bubble.visible);
  }

  update(): void {
    if (this.hideAt && this.scene.time.now > this.hideAt) this.clearBubble();
  }
}
